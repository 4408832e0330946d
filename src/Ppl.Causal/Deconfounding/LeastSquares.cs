using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>Least squares of an outcome on [1, causes, adjustment].</summary>
internal static class LeastSquares
{
    /// <summary>The (ridge-penalized, intercept free) least-squares fit of Y ~ 1 + A + Z; tensors of the caller's scope.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ridge is negative.</exception>
    /// <exception cref="ArgumentException">The design is (numerically) rank deficient, so the coefficients are not identified.</exception>
    public static OutcomeRegression Fit(Tensor causes, Tensor outcome, Tensor? adjustment, double ridge)
    {
        if (!(ridge >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ridge), ridge, "The ridge penalty must be zero or positive.");
        }

        long n = causes.shape[0], m = causes.shape[1];
        var x = cat([CauseEffects.Design(null, n, causes.device), causes.to(float64), adjustment?.to(float64) ?? zeros(n, 0, dtype: float64, device: causes.device)], 1);
        var y = outcome.to(float64).unsqueeze(-1);
        var gram = x.T.CheckedMatMul(x);
        if (ridge > 0)
        {
            var penalty = full(x.shape[1], ridge, dtype: float64, device: causes.device).index_fill(0, tensor(new long[] { 0 }, device: causes.device), 0.0);
            gram = gram.add(penalty.diag());
        }

        RequireFullRank(gram, m);
        var w = linalg.solve(gram, x.T.CheckedMatMul(y)).squeeze(-1);
        var residual = y.squeeze(-1).sub(x.CheckedMatMul(w.unsqueeze(-1)).squeeze(-1));
        return new OutcomeRegression(w[0], w.narrow(0, 1, m), w.narrow(0, 1 + m, x.shape[1] - 1 - m), residual.square().mean().sqrt());
    }

    /// <summary>
    /// Throws unless the (penalized) Gram matrix, scaled to unit diagonal, has a smallest eigenvalue
    /// above 1e-10 of its largest: otherwise solve returns huge, meaningless coefficients.
    /// </summary>
    private static void RequireFullRank(Tensor gram, long causes)
    {
        var scale = gram.diagonal().clamp_min(1e-300).rsqrt();
        var eigenvalues = linalg.eigvalsh(gram.mul(scale.unsqueeze(0)).mul(scale.unsqueeze(1)));
        double smallest = eigenvalues.min().item<double>(), largest = eigenvalues.max().item<double>();
        if (!(smallest > 1e-10 * largest))
        {
            throw new ArgumentException(
                $"LeastSquares: the regressors [1, {causes} causes, {gram.shape[0] - 1 - causes} adjustment columns] are collinear (scaled Gram eigenvalues {smallest:G3} to {largest:G3}), so the coefficients are not identified. "
                + "A substitute confounder that is a linear function of the causes (a linear encoder's mean) does this in a multi-cause regression; use the importance-sampled posterior mean, fewer columns, or ridge > 0.");
        }
    }
}
