using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// Posterior draws and means of a fitted factor model's Z: θ at its posterior median (the per-cause
/// parameters are pinned down by all N units), and each unit's Z_i from its conditional posterior
/// p(Z_i | A_i,obs, θ) by importance sampling with the encoder, widened, as the proposal. The encoder is
/// a linear, mean-field approximation: its own draws would make the predictive check judge it rather
/// than the model, and its mean is off where the posterior is not linear in the causes.
/// </summary>
internal static class ConditionalPosteriorDraws
{
    /// <summary>
    /// The proposals' scale relative to the encoder's for the posterior mean: importance sampling needs a
    /// proposal with heavier tails than the target, and the mean-field encoder's are lighter.
    /// </summary>
    public const double Widen = 1.5;

    /// <summary>The plate of the proposals per unit, left of the model's plates.</summary>
    public const string ProposalsPlate = "_proposals";

    /// <summary>
    /// <paramref name="count"/> draws stacked on a leading dim (θ sites [count, ..site shape], <c>z</c>
    /// [count, N, 1, K]): θ at its median, and each unit's Z_i resampled from the importance weights
    /// of <paramref name="proposals"/> widened encoder proposals (with replacement, so the draws of a
    /// unit share proposals; each is marginally a draw from the weighted set).
    /// </summary>
    public static Dictionary<string, Tensor> Draw(FittedFactorModel fit, int count, int proposals, Generator generator, int round = 64)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var theta = new Dictionary<string, Tensor>(fit.CauseMedians(), StringComparer.Ordinal);
        var draws = theta.ToDictionary(p => p.Key, p => p.Value.expand([count, .. p.Value.shape]).clone(), StringComparer.Ordinal);
        if (fit.LatentGuide is { } latent)
        {
            var values = new List<Tensor>();
            var logWeights = new List<Tensor>();
            using (fit.Store.Activate())
            {
                for (int done = 0; done < proposals; done += round)
                {
                    using var roundScope = NewDisposeScope();
                    var (v, lw) = Proposals(fit, latent, fit.Data, theta, Math.Min(round, proposals - done), Widen);
                    values.Add(v.MoveToOuterDisposeScope());
                    logWeights.Add(lw.MoveToOuterDisposeScope());
                }
            }

            var all = cat(values, 1); // [N, L, K]
            var chosen = cat(logWeights, 0).T.to(float64).softmax(-1).multinomial(count, replacement: true, generator: generator); // [N, count]
            var z = all.gather(1, chosen.unsqueeze(-1).expand(-1, -1, all.shape[2])); // [N, count, K]
            draws[FactorModel.LatentSite] = z.permute(1, 0, 2).unsqueeze(-2); // [count, N, 1, K]
        }

        return draws.ToDictionary(p => p.Key, p => p.Value.MoveToOuterDisposeScope(), StringComparer.Ordinal);
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
            var (values, logWeights) = Proposals(fit, latent, data, theta, Math.Min(round, proposals - done), Widen);
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
    private static (Tensor Values, Tensor LogWeights) Proposals(FittedFactorModel fit, AmortizedLatentGuide latent, FactorData data, IReadOnlyDictionary<string, Tensor> theta, int count, double widen)
    {
        Trace candidates, scored;
        using (Plate(ProposalsPlate, count, dim: -3))
        {
            Func<FactorData, object?> encoder = d => latent.Run(d, widen);
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
}
