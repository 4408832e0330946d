using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Numerics shared by the discrete families.</summary>
internal static partial class Kernels
{
    /// <summary>
    /// log(1 + eˣ) without the linear cut-off of <c>nn.functional.softplus</c> (which returns x above
    /// 20 and so loses ~2e-9 absolute), written with ops that also run on the meta device.
    /// </summary>
    public static Tensor Softplus(Tensor x)
    {
        var positive = x.clamp_min(0);
        var negAbs = x.clamp_max(0).sub(positive);
        return negAbs.exp().log1p().add(positive);
    }

    /// <summary>
    /// log(p) − log(1 − p) for probabilities clamped away from 0 and 1 so the result stays finite in
    /// the dtype: the one probs-to-logits conversion of every family built from probabilities
    /// (written with ops that also run on meta, where <c>logit</c> has no kernel).
    /// </summary>
    public static Tensor ProbsToLogits(Tensor probs)
    {
        double eps = probs.dtype == ScalarType.Float64 ? 1e-15 : 1e-7;
        var p = probs.clamp(eps, 1 - eps);
        return p.log().sub(p.neg().log1p());
    }

    /// <summary>A value cast to <paramref name="dtype"/> so integer and floating values give the same log-mass.</summary>
    public static Tensor AsFloating(Tensor value, ScalarType dtype) => value.dtype == dtype ? value : value.to(dtype);
}
