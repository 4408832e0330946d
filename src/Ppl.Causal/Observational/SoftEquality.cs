using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Soft (log-scale) equality and inequality of two values of a support (ChiRho's <c>soft_eq</c>
/// and <c>soft_neq</c>): kernels for approximate conditioning, where a hard equality would have
/// probability zero. Larger <c>scale</c> is softer. Per support:
/// <list type="bullet">
/// <item>real: <c>SoftEq</c> = log N(v1 − v2 | 0, scale²); <c>SoftNeq</c> = log(2Φ(|v1 − v2|/scale) − 1);</item>
/// <item>boolean: log(1 − scale) when equal, log(scale) when not (<c>SoftNeq</c> the other way round);</item>
/// <item>integer interval [a, b]: log Binomial(|v1 − v2| | b − a + 1, scale);</item>
/// <item>integers (any, non-negative, positive): log Poisson(|v1 − v2| | scale);</item>
/// <item>other continuous supports: the real kernel of both values mapped to the real line by the
/// support's bijector, plus (for <c>SoftEq</c>) the log-Jacobians of both maps;</item>
/// <item>independent(support, n): the base kernel summed over the n rightmost dims.</item>
/// </list>
/// Discrete <c>SoftNeq</c> is log(1 − exp(<c>SoftEq</c>)).
/// </summary>
public static class SoftEquality
{
    /// <summary>The soft equality score of <paramref name="v1"/> and <paramref name="v2"/> in <paramref name="support"/>.</summary>
    /// <exception cref="NotSupportedException">A discrete support other than boolean or integer ones (as in ChiRho).</exception>
    public static Tensor SoftEq(Constraint support, Tensor v1, Tensor v2, double scale = 0.1)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(v1);
        ArgumentNullException.ThrowIfNull(v2);
        RequirePositive(scale);
        switch (support)
        {
            case IndependentConstraint independent:
                return SumRight(SoftEq(independent.Base, v1, v2, scale), independent.ReinterpretedBatchDims);
            case BooleanConstraint:
                return v1.eq(v2).to_type(FloatOf(v1, v2)).mul(Math.Log(1 - scale) - Math.Log(scale)).add(Math.Log(scale));
            case IntegerIntervalConstraint interval:
                return BinomialLogPmf(Distance(v1, v2), interval.UpperBound.AsTensor(Distance(v1, v2)).sub(interval.LowerBound.AsTensor(Distance(v1, v2))).add(1), scale);
            case IntegerGreaterThanConstraint:
                return PoissonLogPmf(Distance(v1, v2), scale);
            case { IsDiscrete: true }:
                throw new NotSupportedException($"SoftEq: no soft equality for the discrete support {support} (boolean and integer supports have one).");
            case RealConstraint:
                return Difference(v1, v2).div(scale).square().mul(-0.5).sub(Math.Log(scale) + (0.5 * Math.Log(2 * Math.PI)));
            default:
                var t = Bijectors.BijectTo(support);
                var x1 = t.Inverse(v1);
                var x2 = t.Inverse(v2);
                var ldj = SumRight(t.LogAbsDetJacobian(x1, v1), t.CodomainEventDim - t.DomainEventDim)
                    .add(SumRight(t.LogAbsDetJacobian(x2, v2), t.CodomainEventDim - t.DomainEventDim));
                return SoftEq(t.Domain, x1, x2, scale).add(ldj);
        }
    }

    /// <summary>The soft inequality score of <paramref name="v1"/> and <paramref name="v2"/> in <paramref name="support"/>: near 0 far apart, very negative close together.</summary>
    /// <exception cref="NotSupportedException">A discrete support without a soft equality.</exception>
    public static Tensor SoftNeq(Constraint support, Tensor v1, Tensor v2, double scale = 0.1)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(v1);
        ArgumentNullException.ThrowIfNull(v2);
        RequirePositive(scale);
        switch (support)
        {
            case IndependentConstraint independent:
                return SumRight(SoftNeq(independent.Base, v1, v2, scale), independent.ReinterpretedBatchDims);
            case { IsDiscrete: true }:
                return SoftEq(support, v1, v2, scale).expm1().neg().log();
            case RealConstraint:
                return torch.special.ndtr(Difference(v1, v2).abs().div(scale)).mul(2).sub(1).log();
            default:
                var t = Bijectors.BijectTo(support);
                return SoftNeq(t.Domain, t.Inverse(v1), t.Inverse(v2), scale);
        }
    }

    private static void RequirePositive(double scale)
    {
        if (!(scale > 0) || !double.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "A soft-equality scale must be positive and finite.");
        }
    }

    private static ScalarType FloatOf(Tensor v1, Tensor v2) =>
        v1.is_floating_point() ? v1.dtype : v2.is_floating_point() ? v2.dtype : torch.get_default_dtype();

    private static Tensor Difference(Tensor v1, Tensor v2)
    {
        var d = v1.sub(v2);
        return d.is_floating_point() ? d : d.to_type(torch.get_default_dtype());
    }

    private static Tensor Distance(Tensor v1, Tensor v2) => Difference(v1, v2).abs();

    private static Tensor PoissonLogPmf(Tensor k, double rate) =>
        k.mul(Math.Log(rate)).sub(rate).sub(k.add(1).lgamma());

    private static Tensor BinomialLogPmf(Tensor k, Tensor n, double p) =>
        n.add(1).lgamma().sub(k.add(1).lgamma()).sub(n.sub(k).add(1).lgamma())
            .add(k.mul(Math.Log(p))).add(n.sub(k).mul(Math.Log(1 - p)));

    private static Tensor SumRight(Tensor t, int dims)
    {
        for (int i = 0; i < dims; i++)
        {
            t = t.sum([-1L]);
        }

        return t;
    }
}
