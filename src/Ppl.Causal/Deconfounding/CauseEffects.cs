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
    /// <param name="standardizedRidge">
    /// 0 for least squares; above 0, ridge regression with this penalty on the centred regressors scaled
    /// to unit Euclidean norm (scikit-learn's <c>Ridge(alpha, normalize=True)</c>; the intercept is not
    /// penalized, the adjustment columns are): every coefficient shrinks, a lone cause's by 1/(1 + penalty).
    /// Wang &amp; Blei estimate per-cause effects in their GWAS simulations this way, with penalty 4.
    /// </param>
    /// <exception cref="ArgumentException">The shapes disagree, or a cause has no variation left after the adjustment (its effect is not identified).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The penalty is negative.</exception>
    public static Tensor SingleCause(Tensor causes, Tensor outcome, Tensor? adjustment = null, double standardizedRidge = 0)
    {
        Check("CauseEffects.SingleCause", causes, outcome, adjustment);
        if (!(standardizedRidge >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(standardizedRidge), standardizedRidge, "CauseEffects.SingleCause: the ridge penalty must be zero or positive.");
        }

        using var scope = NewDisposeScope();
        if (standardizedRidge > 0)
        {
            return StandardizedRidge(causes, outcome, adjustment, standardizedRidge).MoveToOuterDisposeScope();
        }

        var covariates = Design(adjustment, causes.shape[0], causes.device);
        var a = Residualize(causes.to(float64), covariates);
        var y = Residualize(outcome.to(float64).unsqueeze(-1), covariates).squeeze(-1);
        var variance = a.square().sum([0L]);
        RequireVariation(variance, causes.shape[0], nameof(causes));
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

    /// <summary>
    /// The per-cause ridge fits on unit-norm centred columns: for cause j the (1 + K)-square system
    /// [[1 + λ, u_jᵀV], [Vᵀu_j, VᵀV + λI]] w = [u_jᵀy, Vᵀy] with u_j, V the scaled cause and adjustment
    /// columns, solved for all causes in one batch; the cause's coefficient is w_0 / ‖A_j − Ā_j‖.
    /// </summary>
    private static Tensor StandardizedRidge(Tensor causes, Tensor outcome, Tensor? adjustment, double penalty)
    {
        var x = causes.to(float64);
        x = x.sub(x.mean([0L], keepdim: true));
        var norms = x.square().sum([0L]);
        RequireVariation(norms, causes.shape[0], nameof(causes));
        norms = norms.sqrt();
        var u = x.div(norms);
        var y = outcome.to(float64);
        y = y.sub(y.mean());
        var cy = u.mul(y.unsqueeze(-1)).sum([0L]);
        if (adjustment is null)
        {
            return cy.div(1 + penalty).div(norms);
        }

        var v = adjustment.to(float64);
        v = v.sub(v.mean([0L], keepdim: true));
        var vNorms = v.square().sum([0L]).sqrt();
        if (vNorms.le(1e-12).any().item<bool>())
        {
            throw new ArgumentException("CauseEffects.SingleCause: an adjustment column is constant, and a ridge on unit-norm columns cannot scale it; drop it.", nameof(adjustment));
        }

        v = v.div(vNorms);
        long m = causes.shape[1], k = v.shape[1];
        var cross = u.T.CheckedMatMul(v); // [m, K]
        var top = cat([full(m, 1, 1 + penalty, dtype: float64, device: causes.device), cross], 1).unsqueeze(1);
        var vv = v.T.CheckedMatMul(v).add(eye(k, dtype: float64, device: causes.device).mul(penalty));
        var bottom = cat([cross.unsqueeze(-1), vv.expand(m, k, k)], 2);
        var gram = cat([top, bottom], 1); // [m, 1 + K, 1 + K]
        var rhs = cat([cy.unsqueeze(-1), v.T.CheckedMatMul(y.unsqueeze(-1)).squeeze(-1).expand(m, k)], 1).unsqueeze(-1);
        return linalg.solve(gram, rhs).squeeze(-1).select(1, 0).div(norms);
    }

    /// <summary>Throws when a cause's (residual) sum of squares is numerically zero.</summary>
    private static void RequireVariation(Tensor sumOfSquares, long units, string parameter)
    {
        var flat = sumOfSquares.le(1e-12 * units).nonzero();
        if (flat.shape[0] > 0)
        {
            var which = flat.squeeze(-1).data<long>().Take(10).ToArray();
            throw new ArgumentException(
                $"CauseEffects.SingleCause: {flat.shape[0]} cause(s) have no variation left after the adjustment (first: {string.Join(", ", which)}), so their effects are not identified; drop them or adjust for less.",
                parameter);
        }
    }

    /// <summary>x minus its least-squares projection on the columns of <paramref name="covariates"/>.</summary>
    private static Tensor Residualize(Tensor x, Tensor covariates)
    {
        var gram = covariates.T.CheckedMatMul(covariates);
        var coefficients = linalg.solve(gram, covariates.T.CheckedMatMul(x));
        return x.sub(covariates.CheckedMatMul(coefficients));
    }
}
