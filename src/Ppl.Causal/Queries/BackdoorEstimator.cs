using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Combines the weighted inner draws of a backdoor adjustment into one estimate of
/// E_Z[E[Y | T = a, Z]].
/// </summary>
/// <remarks>
/// Each outer draw z_i's inner expectation is a self-normalized importance estimate over m inner
/// draws: μ̂_i = Σ_j w_ij y_ij / Σ_j w_ij. A ratio of sums is biased, E[μ̂_i] = μ(z_i) + b_i/m + O(1/m²),
/// and averaging over outer draws shrinks its variance but not that bias, which the outer standard
/// error does not see. Unless the adjustment set fixes the treatment's weight (every inner draw of
/// an outer draw weighted alike), the bias can be many standard errors. The jackknife over the inner
/// draws removes the 1/m term: with μ̂_i^(−j) the estimate without draw j,
/// μ̃_i = m·μ̂_i − (m − 1)·mean_j μ̂_i^(−j) has bias O(1/m²). The outer draws are independent, so the
/// standard error of mean_i μ̃_i is the standard deviation of the μ̃_i over √n; it includes the inner
/// draws' noise. Equal inner weights leave μ̃_i = μ̂_i.
/// </remarks>
internal static class BackdoorEstimator
{
    /// <summary>
    /// The jackknifed estimate with its standard error, <see cref="CausalEstimate.BiasCorrection"/>
    /// (plain self-normalized estimate minus the jackknifed one), and the n·m outcome draws with their
    /// combined weights w_ij / (n Σ_k w_ik) as <see cref="CausalEstimate.Samples"/> (whose weighted mean
    /// is the plain estimate). Kish's effective sample size of those weights is n² / Σ_ij (w_ij / Σ_k w_ik)²,
    /// between n (one inner draw carries each outer draw) and n·m (equal inner weights).
    /// </summary>
    /// <param name="logWeights">Log-weights, shape <c>[inner, outer]</c>; every outer draw has a finite one (see <see cref="ZeroLikelihood"/>).</param>
    /// <param name="outcomes">Outcome statistics, shape <c>[inner, outer]</c>.</param>
    /// <exception cref="InvalidOperationException">In some outer draw one inner draw carries all the weight, so no leave-one-out estimate exists.</exception>
    public static CausalEstimate Combine(Tensor logWeights, Tensor outcomes)
    {
        using var scope = NewDisposeScope();
        long inner = logWeights.shape[0], outer = logWeights.shape[1];
        var lw = logWeights.to(float64);
        var weights = lw.sub(lw.amax([0L], keepdim: true)).exp(); // the largest weight of each outer draw is 1
        var weighted = weights.mul(outcomes.to(float64));
        var mean = weighted.sum([0L]).div(weights.sum([0L]));

        var othersWeight = SumOfOthers(weights);
        long alone = othersWeight.eq(0).any(0).sum().item<long>();
        if (alone > 0)
        {
            throw new InvalidOperationException(
                $"CausalQueries.Backdoor: in {alone} of {outer} outer draws a single inner draw carries all the weight, so the estimate there rests on one draw "
                + "and its bias cannot be corrected. Raise innerDraws, or adjust for the treatment's parents so that their draws do not weight the inner draws.");
        }

        var leaveOneOut = SumOfOthers(weighted).div(othersWeight).mean([0L]);
        var jackknifed = mean.mul(inner).sub(leaveOneOut.mul(inner - 1));

        double value = jackknifed.mean().item<double>();
        double plain = mean.mean().item<double>();
        double standardError = jackknifed.std().item<double>() / Math.Sqrt(outer);
        // each inner draw's share of its outer draw, over the outer draws: the combined weights, summing to 1
        var combined = weights.div(weights.sum([0L], keepdim: true)).div(outer);
        var samples = Inference.WeightedSamples.FromNormalized(outcomes.to(float64).reshape(-1), combined.reshape(-1));
        return new CausalEstimate(samples, value, standardError, plain - value).Escape();
    }

    /// <summary>Σ_{k≠j} x_k along dim 0 for every j, from prefix and suffix sums (no subtraction, so no cancellation).</summary>
    private static Tensor SumOfOthers(Tensor x)
    {
        long m = x.shape[0];
        var zero = zeros_like(x.narrow(0, 0, 1));
        var before = cat([zero, x.cumsum(0).narrow(0, 0, m - 1)], 0);
        var after = cat([x.flip(0).cumsum(0).flip(0).narrow(0, 1, m - 1), zero], 0);
        return before.add(after);
    }
}
