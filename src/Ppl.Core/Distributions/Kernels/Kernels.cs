using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// Random-number kernels the families share. LibTorch registers no meta kernel for several
/// samplers (gamma, Poisson, triangular solve), so on the meta device these return a tensor of
/// the right shape, dtype and autograd connectivity with no values, which is all meta computes.
/// </summary>
internal static partial class Kernels
{
    /// <summary>True when <paramref name="t"/> lives on the shape-only meta device.</summary>
    public static bool IsMeta(Tensor t) => t.device.type == DeviceType.META;

    /// <summary>A value-less tensor shaped like <paramref name="t"/> that keeps its autograd graph (meta only).</summary>
    public static Tensor ShapeOnly(Tensor t) => t.mul(0);

    /// <summary>Gamma(α, 1) draws, one per element of <paramref name="alpha"/>, with PyTorch's implicit reparameterization gradient.</summary>
    public static Tensor StandardGamma(Tensor alpha, Generator? generator) =>
        IsMeta(alpha) ? ShapeOnly(alpha) : torch._standard_gamma(alpha, generator);

    /// <summary>Poisson(rate) draws, one per element (no gradient).</summary>
    public static Tensor Poisson(Tensor rate, Generator? generator) =>
        IsMeta(rate) ? ShapeOnly(rate).detach() : torch.poisson(rate, generator);

    /// <summary>Binomial(count, prob) draws, elementwise over broadcast inputs (no gradient).</summary>
    public static Tensor Binomial(Tensor count, Tensor prob, Generator? generator) =>
        IsMeta(prob) ? ShapeOnly(count.add(prob)).detach() : torch.binomial(count, prob, generator);
}
