using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// Posterior draws of a fitted factor model for its predictive check: θ from the guide, and each unit's
/// Z_i from its exact conditional posterior p(Z_i | A_i,obs, θ) by sampling-importance-resampling with
/// the encoder as the proposal. The mean-field encoder is a little overconfident, and a check fed its
/// draws would find a model that fits too surprised by held-out entries: it would judge the
/// approximation, not the model.
/// </summary>
internal static class ConditionalPosteriorDraws
{
    /// <summary>The plate of the proposals per unit, left of the model's plates.</summary>
    public const string ProposalsPlate = "_proposals";

    /// <summary>
    /// <paramref name="count"/> draws stacked on a leading dim (θ sites [count, ..site shape], <c>z</c>
    /// [count, N, 1, K]), each Z_i resampled from <paramref name="proposals"/> encoder proposals.
    /// </summary>
    public static Dictionary<string, Tensor> Draw(FittedFactorModel fit, int count, int proposals, Generator generator)
    {
        var draws = Enumerable.Range(0, count).Select(_ => DrawOne(fit, proposals, generator)).ToList();
        var stacked = draws[0].Keys.ToDictionary(name => name, name => stack(draws.Select(d => d[name]), 0), StringComparer.Ordinal);
        foreach (var value in draws.SelectMany(d => d.Values))
        {
            value.Dispose();
        }

        return stacked;
    }

    private static Dictionary<string, Tensor> DrawOne(FittedFactorModel fit, int proposals, Generator generator)
    {
        using var scope = NewDisposeScope(); // the proposals' traces are N × m per proposal: release them every draw
        using var noGrad = no_grad();
        using var active = fit.Store.Activate();
        var data = fit.Data;
        Func<FactorData, object?> guide = fit.Guide;
        var guideTrace = guide.GetTrace(data);
        var draw = fit.Model.CauseLatentSites.ToDictionary(s => s, s => guideTrace[s].Value!, StringComparer.Ordinal);
        if (fit.LatentGuide is not { } latent)
        {
            return Keep(draw);
        }

        var (values, logWeights) = Proposals(fit, latent, data, draw, proposals); // [N, L, K], [L, N]
        var chosen = logWeights.T.softmax(-1).multinomial(1, generator: generator); // [N, 1]
        draw[FactorModel.LatentSite] = values.gather(1, chosen.unsqueeze(-1).expand(-1, 1, values.shape[2])).squeeze(1).unsqueeze(-2); // [N, 1, K]
        return Keep(draw);
    }

    /// <summary>
    /// E[Z_i | A_i, θ̂] for every unit of <paramref name="data"/>, θ̂ the guide's median, by self-normalized
    /// importance sampling over <paramref name="proposals"/> encoder draws per unit (in rounds of
    /// <paramref name="round"/>); [N, K].
    /// </summary>
    public static Tensor Mean(FittedFactorModel fit, AmortizedLatentGuide latent, FactorData data, int proposals, int round = 64)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var active = fit.Store.Activate();
        var theta = new Dictionary<string, Tensor>(fit.CauseMedians(), StringComparer.Ordinal);
        Tensor? logTotal = null, weighted = null;
        for (int done = 0; done < proposals; done += round)
        {
            using var roundScope = NewDisposeScope();
            var (values, logWeights) = Proposals(fit, latent, data, theta, Math.Min(round, proposals - done));
            var lw = logWeights.T.to(float64); // [N, L]
            var shift = logTotal is null ? lw.amax([1L]) : lw.amax([1L]).maximum(logTotal);
            var w = lw.sub(shift.unsqueeze(-1)).exp();
            var sum = w.sum([1L]);
            var moment = w.unsqueeze(-1).mul(values.to(float64)).sum([1L]); // [N, K]
            if (logTotal is not null)
            {
                var carry = logTotal.sub(shift).exp();
                sum = sum.add(carry);
                moment = moment.add(weighted!.mul(carry.unsqueeze(-1)));
            }

            logTotal = sum.log().add(shift).MoveToOuterDisposeScope();
            weighted = moment.div(sum.unsqueeze(-1)).MoveToOuterDisposeScope(); // the running weighted mean
        }

        return weighted!.to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="count"/> encoder proposals of every unit's Z and their log importance weights
    /// log p(A_i,obs | Z, θ) + log p(Z) − log q(Z | A_i) at the given θ: values [N, L, K], weights [L, N].
    /// </summary>
    private static (Tensor Values, Tensor LogWeights) Proposals(FittedFactorModel fit, AmortizedLatentGuide latent, FactorData data, IReadOnlyDictionary<string, Tensor> theta, int count)
    {
        Trace candidates, scored;
        using (Plate(ProposalsPlate, count, dim: -3))
        {
            Func<FactorData, object?> encoder = latent.Run;
            candidates = encoder.GetTrace(data);
            var z = candidates[FactorModel.LatentSite].Value!; // [L, N, 1, K]
            var conditioned = theta.ToDictionary(p => p.Key, p => p.Value.expand([count, 1, .. p.Value.shape]), StringComparer.Ordinal);
            conditioned[FactorModel.LatentSite] = z;
            Func<FactorData, object?> model = fit.Model.Model;
            scored = model.Condition(conditioned).GetTrace(data);
        }

        var proposal = candidates[FactorModel.LatentSite];
        var logWeights = scored[FactorModel.CausesSite].UnscaledLogProb().sum([-1L]) // the unit's observed causes (held-out entries are masked to 0)
            .add(scored[FactorModel.LatentSite].UnscaledLogProb().squeeze(-1))
            .sub(proposal.UnscaledLogProb().squeeze(-1)); // [L, N]
        return (proposal.Value!.squeeze(-2).permute(1, 0, 2), logWeights);
    }

    private static Dictionary<string, Tensor> Keep(Dictionary<string, Tensor> draw) =>
        draw.ToDictionary(p => p.Key, p => p.Value.clone().MoveToOuterDisposeScope(), StringComparer.Ordinal);
}
