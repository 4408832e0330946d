using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Noise kernels shared by the Gumbel-max mechanisms. Every kernel is elementwise arithmetic
/// (no <c>where</c>, <c>abs</c> or <c>logsumexp</c>) so the mechanisms also run on the meta device.
/// </summary>
internal static class MechanismNoise
{
    /// <summary>
    /// A standard Gumbel draw <paramref name="prior"/> turned into a Gumbel(0, 1) draw truncated to
    /// (−∞, <paramref name="bound"/>]: x = −log(e^{−b} + e^{−z}). Then P(x ≤ t) = exp(−(e^{−t} − e^{−b}))
    /// = F(t) / F(b), the truncated CDF. Written as min(b, z) − log1p(e^{−(max − min)}) so nothing
    /// overflows; a bound of +∞ (a category that cannot win) returns the prior draw unchanged.
    /// </summary>
    public static Tensor TruncateGumbelAbove(Tensor prior, Tensor bound)
    {
        var low = prior.minimum(bound);
        var high = prior.maximum(bound);
        return low.sub(high.sub(low).neg().exp().log1p());
    }

    /// <summary>|x| from maximum(x, −x) (the meta device has no <c>abs</c> kernel).</summary>
    public static Tensor Magnitude(Tensor x) => x.maximum(x.neg());

    /// <summary>log σ(x) = −softplus(−x), exact in both tails and meta-safe (unlike <c>logsigmoid</c>).</summary>
    public static Tensor LogSigmoid(Tensor x) => Kernels.Softplus(x.neg()).neg();

    /// <summary>Whether validation that reads values (<c>.item()</c>) should run for <paramref name="t"/>.</summary>
    public static bool ShouldValidate(Tensor t) => Distribution.ValidationEnabled && !Kernels.IsMeta(t);
}
