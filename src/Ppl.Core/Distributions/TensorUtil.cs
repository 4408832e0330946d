using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Helpers that create tensors on the device and dtype of existing ones.</summary>
internal static class TensorUtil
{
    /// <summary>A 0-dim tensor holding <paramref name="value"/> with the dtype and device of <paramref name="like"/>.</summary>
    public static Tensor ScalarLike(double value, Tensor like) => torch.tensor(value, dtype: like.dtype, device: like.device);

    /// <summary>
    /// <paramref name="t"/> · <paramref name="c"/> through a native scalar disposed at once: the
    /// implicit double → Scalar conversion leaves a finalizable native object per call, and
    /// finalizing them is a measurable share of an SVI step.
    /// </summary>
    public static Tensor Mul(Tensor t, double c)
    {
        using var s = c.ToScalar();
        return t.mul(s);
    }

    /// <summary><paramref name="t"/> / <paramref name="c"/>, as <see cref="Mul"/>.</summary>
    public static Tensor Div(Tensor t, double c)
    {
        using var s = c.ToScalar();
        return t.div(s);
    }

    /// <summary><paramref name="t"/> − <paramref name="c"/>, as <see cref="Mul"/>.</summary>
    public static Tensor Sub(Tensor t, double c)
    {
        using var s = c.ToScalar();
        return t.sub(s);
    }

    /// <summary>
    /// The 0-dim result of <paramref name="reduce"/> as a double, for float32 and float64 tensors
    /// (one sync, temporaries freed at once); null for other dtypes.
    /// </summary>
    public static double? ReduceToDouble(Tensor value, Func<Tensor, Tensor> reduce)
    {
        var dtype = value.dtype;
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            return null;
        }

        // no_grad: a reduction of a value that requires grad would otherwise record an autograd node
        using var noGrad = torch.no_grad();
        using var r = reduce(value);
        return r.ToDouble();
    }

    /// <summary>A 0-dim tensor on the default device with the default floating dtype.</summary>
    public static Tensor Scalar(double value) => torch.tensor(value, dtype: torch.get_default_dtype(), device: torch.get_default_device());

    /// <summary>
    /// Like <see cref="ScalarLike"/>, but 0 and 1 come from a process-wide cache of detached,
    /// read-only tensors (one per dtype and device), which saves a native allocation per
    /// distribution built from constants such as <c>Normal(0.0, 1.0)</c>. Callers must never
    /// modify the result in place or dispose it. Other values get a fresh tensor, so the cache
    /// cannot grow with the values a model uses.
    /// </summary>
    public static Tensor SharedConstantLike(double value, Tensor like) =>
        value is 0.0 or 1.0 && !double.IsNegative(value)
            ? SharedConstants.GetOrAdd((value, like.dtype, like.device_type, like.device_index), static k => Detached(k.Value, k.DType, torch.device(k.Type, k.Index)))
            : ScalarLike(value, like);

    /// <summary>
    /// A library constant (such as −½ log 2π) as a shared read-only tensor of <paramref name="like"/>'s
    /// dtype and device, for fused ops that take a tensor operand. Only for a fixed set of
    /// constants in library code, never for user values, so the cache stays bounded.
    /// </summary>
    internal static Tensor LibraryConstantLike(double value, Tensor like) =>
        SharedConstants.GetOrAdd((value, like.dtype, like.device_type, like.device_index), static k => Detached(k.Value, k.DType, torch.device(k.Type, k.Index)));

    /// <summary><see cref="SharedConstantLike"/> on the default device with the default floating dtype.</summary>
    public static Tensor SharedConstant(double value)
    {
        if (value is not (0.0 or 1.0) || double.IsNegative(value))
        {
            return Scalar(value);
        }

        var device = torch.get_default_device();
        return SharedConstants.GetOrAdd((value, torch.get_default_dtype(), device.type, device.index), static k => Detached(k.Value, k.DType, torch.device(k.Type, k.Index)));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(double Value, ScalarType DType, DeviceType Type, int Index), Tensor> SharedConstants = new();

    private static Tensor Detached(double value, ScalarType dtype, Device device) =>
        torch.tensor(value, dtype: dtype, device: device).DetachFromDisposeScope();

    /// <summary>Drops the rightmost <paramref name="count"/> entries of a shape.</summary>
    public static long[] DropRight(long[] shape, int count) => shape[..^count];

    /// <summary>Sums the rightmost <paramref name="count"/> dimensions.</summary>
    public static Tensor SumRightmost(Tensor value, int count)
    {
        if (count == 0)
        {
            return value;
        }

        var dims = Enumerable.Range(1, count).Select(i => (long)-i).ToArray();
        return value.sum(dims, keepdim: false);
    }
}
