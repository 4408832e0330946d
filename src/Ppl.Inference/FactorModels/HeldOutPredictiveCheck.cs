using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// The deconfounder's model check (Wang &amp; Blei 2019, §3.2): a factor model fitted with some entries
/// held out (<see cref="FactorData.Observed"/>) replicates them from the posterior predictive
/// (<see cref="Predictive{TArgs}"/> of the unconditioned model at posterior draws of θ and Z, Z_i
/// conditioned on the unit's other causes only), and the held-out entries are compared with their
/// replicas. θ is at its posterior median; Z_i comes from its exact conditional posterior given θ, by
/// sampling-importance-resampling over <c>proposals</c> draws of the encoder, so the check judges the
/// model rather than the encoder's (slightly overconfident) approximation.
/// </summary>
/// <remarks>
/// Each posterior draw s gives a replica A_rep,s of the held-out entries. The discrepancy is the unit's
/// held-out log-likelihood at the posterior point, ℓ_i(x) = Σ_{j held out} log p(x_ij | Ẑ_i, θ̂) with
/// Ẑ_i = E[Z_i | A_i,obs]: a fixed function of the data, so the held-out entries and the replicas are
/// exchangeable when the model is right (a discrepancy evaluated at each draw's own parameters favours
/// that draw's replica and skews the p-values). The unit's predictive p-value is the data's randomized
/// rank among its replicas (the share of replicas less likely than the data, ties and the rank's
/// granularity spread by one uniform per unit), so that a well-specified model's p-values are uniform. Wang &amp; Blei average
/// them; a model that misses the dependence among causes still averages about 0.5, but its p-values
/// pile up near 0 and 1. The decisive p-value is therefore a chi-square test of their uniformity.
/// </remarks>
public static class HeldOutPredictiveCheck
{
    /// <summary>
    /// Runs the check on <paramref name="fit"/>, which must have been fitted with held-out entries,
    /// with <paramref name="replications"/> posterior draws (in chunks of <paramref name="chunk"/>), the
    /// per-unit p-values counted in <paramref name="bins"/> equal bins, each Z_i resampled from
    /// <paramref name="proposals"/> encoder draws.
    /// </summary>
    /// <exception cref="ArgumentException">The fit held out no entry.</exception>
    public static PredictiveCheckResult Run(FittedFactorModel fit, int replications = 100, long seed = 0, int bins = 10, int proposals = 256, int chunk = 20)
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

        // the discrepancy: each unit's held-out log-likelihood at the posterior point (θ̂, Ẑ_i = E[Z_i | A_i,obs]),
        // a fixed function of the data, so the data and replicas of the posterior predictive are exchangeable
        Func<FactorData, object?> model = fit.Model.Model;
        var entries = PointEntries(fit, proposals, seed);
        var obs = entries.LogProb(causes).mul(heldOut).sum([-1L]).index_select(0, units).to(float64); // [units with held-out entries]
        var replicatedLl = new List<Tensor>();
        var posteriorDraws = ConditionalPosteriorDraws.Draw(fit, replications, proposals, seed);
        for (int start = 0, c = 0; start < replications; start += chunk, c++)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(chunk, replications - start);
            var posterior = posteriorDraws.ToDictionary(p => p.Key, p => p.Value.narrow(0, start, count), StringComparer.Ordinal);
            var draws = new Predictive<FactorData>(model.Uncondition(), posterior, count, parallel: true, paramStore: fit.Store).Sample(fit.Data, seed + c);
            var replica = draws[FactorModel.CausesSite].reshape(count, causes.shape[0], causes.shape[1]);
            replicatedLl.Add(entries.LogProb(replica).mul(heldOut).sum([-1L]).index_select(1, units).to(float64).MoveToOuterDisposeScope()); // [count, units]
        }

        var rep = cat(replicatedLl, 0);
        // the data's randomized rank among its R replicas, (#{rep < obs} + U·(#{rep = obs} + 1)) / (R + 1):
        // exactly uniform on [0, 1] when the data and the replicas are exchangeable, ties and the finite R
        // included (the plain share #{rep < obs}/R puts mass 1/(R + 1) on 1 and overfills the top bin)
        var u = rand(obs.shape[0], dtype: float64, generator: new Generator((ulong)seed + 1));
        var unitP = rep.lt(obs).to(float64).sum([0L]).add(rep.eq(obs).to(float64).sum([0L]).add(1).mul(u)).div(rep.shape[0] + 1);
        var counts = unitP.mul(bins).floor().clamp(0, bins - 1).to(int64).bincount(null, bins).to(float64);
        double expected = unitP.shape[0] / (double)bins;
        double chiSquare = counts.sub(expected).square().sum().item<double>() / expected;
        double p = special.gammaincc(tensor((bins - 1) / 2.0, float64), tensor(chiSquare / 2, float64)).item<double>();
        return new PredictiveCheckResult(p, chiSquare, bins, unitP.mean().item<double>(), Values(unitP));
    }

    /// <summary>The causes' distribution at θ's posterior median and Ẑ (batch [N, m]).</summary>
    private static Distribution PointEntries(FittedFactorModel fit, int proposals, long seed)
    {
        var substitute = fit.Model.Factors > 0 ? fit.SubstituteConfounders(fit.Data.Causes!, fit.Data.Observed, Math.Max(proposals, 256), seed) : null;
        return fit.PointEntries(substitute, fit.Data.Rows.DataSize);
    }

    private static double[] Values(Tensor t) => t.contiguous().data<double>().ToArray();
}
