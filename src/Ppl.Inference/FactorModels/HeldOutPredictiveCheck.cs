using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// The deconfounder's model check (Wang &amp; Blei 2019, §3.2): a factor model fitted with some entries
/// held out (<see cref="FactorData.Observed"/>) replicates them from the posterior predictive
/// (<see cref="Predictive{TArgs}"/> of the unconditioned model at posterior draws of θ and Z, Z_i
/// conditioned on the unit's other causes only), and the held-out entries are compared with their
/// replicas. θ comes from the guide; Z_i from its exact conditional posterior given θ, by
/// sampling-importance-resampling over <c>proposals</c> draws of the encoder, so the check judges the
/// model rather than the encoder's (slightly overconfident) approximation.
/// </summary>
/// <remarks>
/// Each posterior draw s gives θ_s, Z_s and a replica A_rep,s of the held-out entries; the unit's
/// held-out log-likelihood ℓ_i(x; s) = Σ_{j held out} log p(x_ij | Z_i,s, θ_s) is computed for the data
/// and the replica under the same draw (realized discrepancies, Gelman, Meng &amp; Stern 1996), and the
/// unit's predictive p-value is the share of draws whose replica is less likely than the data, ties
/// broken at random so that a well-specified model's p-values are uniform. Wang &amp; Blei average
/// them; a model that misses the dependence among causes still averages about 0.5, but its p-values
/// pile up near 0 and 1. The decisive p-value is therefore a chi-square test of their uniformity.
/// </remarks>
public static class HeldOutPredictiveCheck
{
    /// <summary>The plate of the posterior draws, left of the model's plates.</summary>
    public const string DrawsPlate = "_check_draws";

    /// <summary>
    /// Runs the check on <paramref name="fit"/>, which must have been fitted with held-out entries,
    /// with <paramref name="replications"/> posterior draws (in chunks of <paramref name="chunk"/>), the
    /// per-unit p-values counted in <paramref name="bins"/> equal bins, each Z_i resampled from
    /// <paramref name="proposals"/> encoder draws.
    /// </summary>
    /// <exception cref="ArgumentException">The fit held out no entry.</exception>
    public static PredictiveCheckResult Run(FittedFactorModel fit, int replications = 100, long seed = 0, int bins = 10, int proposals = 32, int chunk = 20)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentOutOfRangeException.ThrowIfLessThan(replications, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(proposals, 1);
        var causes = fit.Data.Causes!;
        var observed = fit.Data.Observed ?? throw new ArgumentException("HeldOutPredictiveCheck.Run: the model was fitted to every entry; fit it with an observed mask that holds some out (HeldOutEntries.Draw).", nameof(fit));
        using var scope = NewDisposeScope();
        var heldOut = observed.logical_not().to_type(causes.dtype);
        var units = heldOut.sum([1L]).gt(0).nonzero().squeeze(-1); // units with a held-out entry
        if (units.shape[0] == 0)
        {
            throw new ArgumentException("HeldOutPredictiveCheck.Run: the observed mask holds out no entry.", nameof(fit));
        }

        var observedLl = new List<Tensor>();
        var replicatedLl = new List<Tensor>();
        Func<FactorData, object?> model = fit.Model.Model;
        var generator = new Generator((ulong)seed);
        for (int start = 0, c = 0; start < replications; start += chunk, c++)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(chunk, replications - start);
            var posterior = ConditionalPosteriorDraws.Draw(fit, count, proposals, generator);
            var draws = (posterior.Count == 0
                ? new Predictive<FactorData>(model.Uncondition(), posterior, count, parallel: true, paramStore: fit.Store)
                : new Predictive<FactorData>(model.Uncondition(), posterior, parallel: true, paramStore: fit.Store)).Sample(fit.Data, seed + c);
            var replica = draws[FactorModel.CausesSite];
            Trace trace;
            using (no_grad())
            using (fit.Store.Activate())
            using (Plate(DrawsPlate, count, dim: -3))
            {
                var conditioned = posterior.ToDictionary(p => p.Key, p => p.Key == FactorModel.LatentSite ? p.Value : p.Value.unsqueeze(1), StringComparer.Ordinal); // θ [count, 1, m, K] under the draws plate
                trace = model.Condition(conditioned).GetTrace(FactorData.All(causes));
            }

            var entries = trace[FactorModel.CausesSite].Distribution!;
            observedLl.Add(entries.LogProb(causes).mul(heldOut).sum([-1L]).index_select(1, units).to(float64).MoveToOuterDisposeScope()); // [count, units with held-out entries]
            replicatedLl.Add(entries.LogProb(replica.reshape(entries.BatchShape)).mul(heldOut).sum([-1L]).index_select(1, units).to(float64).MoveToOuterDisposeScope());
        }

        var obs = cat(observedLl, 0);
        var rep = cat(replicatedLl, 0);
        var ties = rand(obs.shape, dtype: float64, generator: new Generator((ulong)seed + 1)).mul(rep.eq(obs).to(float64));
        var unitP = rep.lt(obs).to(float64).add(ties).mean([0L]);
        var counts = unitP.mul(bins).floor().clamp(0, bins - 1).to(int64).bincount(null, bins).to(float64);
        double expected = unitP.shape[0] / (double)bins;
        double chiSquare = counts.sub(expected).square().sum().item<double>() / expected;
        double p = special.gammaincc(tensor((bins - 1) / 2.0, float64), tensor(chiSquare / 2, float64)).item<double>();
        return new PredictiveCheckResult(p, chiSquare, bins, unitP.mean().item<double>(), Values(unitP));
    }

    private static double[] Values(Tensor t) => t.contiguous().data<double>().ToArray();
}
