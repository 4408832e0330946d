using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Helpers shared by the gamma-based families (Gamma, InverseGamma, Chi2, Beta, StudentT).</summary>
internal static partial class Kernels
{
    /// <summary>
    /// The smallest positive normal number of <paramref name="dtype"/>. Gamma draws with small
    /// concentration underflow to 0, where log-densities are ±∞; clamping there keeps them finite.
    /// </summary>
    public static double Tiny(ScalarType dtype) => torch.finfo(dtype).tiny;

    /// <summary>The gap between 1 and the next larger number of <paramref name="dtype"/>.</summary>
    public static double Eps(ScalarType dtype) => torch.finfo(dtype).eps;

    /// <summary>Gamma(α, 1) draws for α expanded to <paramref name="shape"/>, clamped away from 0, with implicit gradients.</summary>
    public static Tensor PositiveStandardGamma(Tensor alpha, long[] shape, Generator? generator) =>
        StandardGamma(alpha.expand(shape), generator).clamp_min(Tiny(alpha.dtype));

    /// <summary>log B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b), elementwise.</summary>
    public static Tensor LogBeta(Tensor a, Tensor b) => a.lgamma().add(b.lgamma()).sub(a.add(b).lgamma());
}
