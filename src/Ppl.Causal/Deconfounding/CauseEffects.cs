using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Per-cause effects of m binary or numeric causes on an outcome by least squares, with or without an
/// adjustment set (the deconfounder's substitute confounder Ẑ, or the true confounder when a simulation
/// knows it): the estimators the deconfounder is compared with and built from.
/// </summary>
public static class CauseEffects
{
    /// <summary>
    /// Each cause's own regression: for every j, the coefficient of A_j in the least-squares fit
    /// Y ~ 1 + A_j + <paramref name="adjustment"/>. Without an adjustment set and for a binary cause it is
    /// the naive contrast E[Y | A_j = 1] − E[Y | A_j = 0]. All causes at once (Frisch–Waugh: Y and each
    /// A_j are residualized on the intercept and the adjustment set), in float64; [m].
    /// </summary>
    /// <param name="causes">[N, m].</param>
    /// <param name="outcome">[N].</param>
    /// <param name="adjustment">[N, K], or null.</param>
    /// <exception cref="ArgumentException">The shapes disagree, or a cause has no variation left after the adjustment (its effect is not identified).</exception>
    public static Tensor SingleCause(Tensor causes, Tensor outcome, Tensor? adjustment = null)
    {
        Check("CauseEffects.SingleCause", causes, outcome, adjustment);
        using var scope = NewDisposeScope();
        var covariates = Design(adjustment, causes.shape[0], causes.device);
        var a = Residualize(causes.to(float64), covariates);
        var y = Residualize(outcome.to(float64).unsqueeze(-1), covariates).squeeze(-1);
        var variance = a.square().sum([0L]);
        var flat = variance.le(1e-12 * causes.shape[0]).nonzero();
        if (flat.shape[0] > 0)
        {
            var which = flat.squeeze(-1).data<long>().Take(10).ToArray();
            throw new ArgumentException(
                $"CauseEffects.SingleCause: {flat.shape[0]} cause(s) have no variation left after the adjustment (first: {string.Join(", ", which)}), so their effects are not identified; drop them or adjust for less.",
                nameof(causes));
        }

        return a.mul(y.unsqueeze(-1)).sum([0L]).div(variance).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// All causes in one regression: the coefficients of A in Y ~ 1 + A + <paramref name="adjustment"/>
    /// by (ridge-penalized when <paramref name="ridge"/> &gt; 0, intercept unpenalized) least squares, in float64; [m].
    /// </summary>
    /// <exception cref="ArgumentException">The shapes disagree or the ridge is negative.</exception>
    public static Tensor MultiCause(Tensor causes, Tensor outcome, Tensor? adjustment = null, double ridge = 0)
    {
        Check("CauseEffects.MultiCause", causes, outcome, adjustment);
        using var scope = NewDisposeScope();
        return LeastSquares.Fit(causes, outcome, adjustment, ridge).CauseWeights.MoveToOuterDisposeScope();
    }

    internal static void Check(string site, Tensor causes, Tensor outcome, Tensor? adjustment)
    {
        ArgumentNullException.ThrowIfNull(causes);
        ArgumentNullException.ThrowIfNull(outcome);
        if (causes.dim() != 2 || outcome.dim() != 1 || outcome.shape[0] != causes.shape[0])
        {
            throw new ArgumentException($"{site}: give causes [N, m] and an outcome [N]; got {ShapeUtil.Format(causes.shape)} and {ShapeUtil.Format(outcome.shape)}.", nameof(outcome));
        }

        if (adjustment is not null && (adjustment.dim() != 2 || adjustment.shape[0] != causes.shape[0]))
        {
            throw new ArgumentException($"{site}: the adjustment set must be [N, K] with N = {causes.shape[0]}; got {ShapeUtil.Format(adjustment.shape)}.", nameof(adjustment));
        }
    }

    /// <summary>The intercept column next to the adjustment set, float64 [N, 1 + K].</summary>
    internal static Tensor Design(Tensor? adjustment, long n, Device device)
    {
        var intercept = ones(n, 1, dtype: float64, device: device);
        return adjustment is null ? intercept : cat([intercept, adjustment.to(float64)], 1);
    }

    /// <summary>x minus its least-squares projection on the columns of <paramref name="covariates"/>.</summary>
    private static Tensor Residualize(Tensor x, Tensor covariates)
    {
        var gram = covariates.T.CheckedMatMul(covariates);
        var coefficients = linalg.solve(gram, covariates.T.CheckedMatMul(x));
        return x.sub(covariates.CheckedMatMul(coefficients));
    }
}
