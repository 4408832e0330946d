using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Uniform draws for the inverse-CDF samplers of the continuous families.</summary>
internal static partial class Kernels
{
    /// <summary>
    /// Uniform draws in the open interval (0, 1): <c>torch.rand</c> can return exactly 0, where
    /// inverse CDFs such as −log(u) or log(−log(u)) are infinite, so the lower end is lifted to
    /// the smallest normal number of the dtype. Clamping keeps the op available on meta.
    /// </summary>
    public static Tensor OpenUniform(long[] shape, ScalarType dtype, Device device, Generator? generator)
    {
        var u = torch.rand(shape, dtype: dtype, device: device, generator: generator);
        return u.clamp_min(torch.finfo(dtype).tiny);
    }

    /// <summary>
    /// Standard Gumbel(0, 1) draws by the inverse CDF −log(−log u), u from the open interval (0, 1):
    /// the one Gumbel draw the Gumbel family, the Concrete distribution and the Gumbel-max
    /// mechanisms share. torch.rand never returns 1, so the largest u still gives a finite draw.
    /// </summary>
    public static Tensor StandardGumbel(long[] shape, ScalarType dtype, Device device, Generator? generator) =>
        OpenUniform(shape, dtype, device, generator).log().neg().log().neg();
}
