using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Copies between the sampler's host vectors and the model's tensors with as few intermediate tensors as
/// the dtype allows (each TorchSharp tensor costs microseconds, and these copies run at every leapfrog step).
/// </summary>
internal static class HostTensors
{
    /// <summary>A tensor of <paramref name="dtype"/> on <paramref name="device"/> holding <paramref name="values"/>.</summary>
    public static Tensor FromDoubles(double[] values, ScalarType dtype, Device device)
    {
        var host = dtype switch
        {
            ScalarType.Float64 => tensor(values, dtype: ScalarType.Float64),
            ScalarType.Float32 => tensor(Array.ConvertAll(values, v => (float)v), dtype: ScalarType.Float32),
            _ => tensor(values, dtype: ScalarType.Float64).to_type(dtype),
        };
        return device.type == DeviceType.CPU ? host : host.to(device);
    }

    /// <summary>The value of a one-element tensor.</summary>
    public static double ToDouble(Tensor scalar)
    {
        var host = OnHost(scalar);
        return host.dtype switch
        {
            ScalarType.Float64 => host.item<double>(),
            ScalarType.Float32 => host.item<float>(),
            _ => host.to_type(ScalarType.Float64).item<double>(),
        };
    }

    /// <summary>The values of a tensor, row-major.</summary>
    public static double[] ToDoubles(Tensor values)
    {
        var host = OnHost(values);
        host = host.is_contiguous() ? host : host.contiguous(); // a contiguous tensor would get another handle, an op at every leapfrog step
        return host.dtype switch
        {
            ScalarType.Float64 => host.data<double>().ToArray(),
            ScalarType.Float32 => Array.ConvertAll(host.data<float>().ToArray(), v => (double)v),
            _ => host.to_type(ScalarType.Float64).data<double>().ToArray(),
        };
    }

    private static Tensor OnHost(Tensor t) => t.device_type == DeviceType.CPU ? t : t.cpu();
}
