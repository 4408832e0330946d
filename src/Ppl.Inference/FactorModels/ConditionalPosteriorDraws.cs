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
    /// unit share proposals; each is marginally a draw from the weighted set). Proposals and resampling
    /// are drawn from <paramref name="seed"/>, not the global generator.
    /// </summary>
    public static Dictionary<string, Tensor> Draw(FittedFactorModel fit, int count, int proposals, long seed)
    {
        using var scope = NewDisposeScope();
        var theta = new Dictionary<string, Tensor>(fit.CauseMedians(), StringComparer.Ordinal);
        var draws = theta.ToDictionary(p => p.Key, p => p.Value.expand([count, .. p.Value.shape]).clone(), StringComparer.Ordinal);
        if (fit.LatentGuide is { } latent)
        {
            var (values, logWeights) = WeightedProposals(fit, latent, fit.Data, theta, proposals, seed); // [N, L, K], [N, L]
            using var generator = new Generator((ulong)seed, logWeights.device);
            var chosen = logWeights.softmax(-1).multinomial(count, replacement: true, generator: generator); // [N, count]
            var z = values.gather(1, chosen.unsqueeze(-1).expand(-1, -1, values.shape[2])); // [N, count, K]
            draws[FactorModel.LatentSite] = z.permute(1, 0, 2).unsqueeze(-2); // [count, N, 1, K]
        }

        return draws.ToDictionary(p => p.Key, p => p.Value.MoveToOuterDisposeScope(), StringComparer.Ordinal);
    }

    /// <summary>
    /// E[Z_i | A_i, θ̂] for every unit of <paramref name="data"/>, θ̂ the guide's median, by self-normalized
    /// importance sampling over <paramref name="proposals"/> widened encoder draws per unit, drawn from
    /// <paramref name="seed"/>; [N, K].
    /// </summary>
    public static Tensor Mean(FittedFactorModel fit, AmortizedLatentGuide latent, FactorData data, int proposals, long seed)
    {
        using var scope = NewDisposeScope();
        var theta = new Dictionary<string, Tensor>(fit.CauseMedians(), StringComparer.Ordinal);
        var (values, logWeights) = WeightedProposals(fit, latent, data, theta, proposals, seed);
        return logWeights.softmax(-1).unsqueeze(-1).mul(values.to(float64)).sum([1L]).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="proposals"/> widened encoder proposals of every unit's Z with their log importance
    /// weights, drawn in rounds of <paramref name="round"/> so that only one round's traces (round × N × m
    /// log-probabilities) live at a time: values [N, L, K], float64 log-weights [N, L]. Each round draws
    /// under its own <see cref="Handlers.SeedMessenger"/> derived from <paramref name="seed"/>, not from the
    /// global generator, which every thread shares. <paramref name="widen"/> = 1 draws from the encoder itself.
    /// </summary>
    internal static (Tensor Values, Tensor LogWeights) WeightedProposals(FittedFactorModel fit, AmortizedLatentGuide latent, FactorData data, IReadOnlyDictionary<string, Tensor> theta, int proposals, long seed, int round = 64, double widen = Widen)
    {
        using var noGrad = no_grad();
        using var active = fit.Store.Activate();
        var values = new List<Tensor>();
        var logWeights = new List<Tensor>();
        for (int done = 0; done < proposals; done += round)
        {
            using var roundScope = NewDisposeScope();
            long roundSeed = unchecked((long)Handlers.SeedMessenger.SiteSeed(seed, $"proposals {done}"));
            var (v, lw) = Proposals(fit, latent, data, theta, Math.Min(round, proposals - done), widen, roundSeed);
            values.Add(v.MoveToOuterDisposeScope());
            logWeights.Add(lw.MoveToOuterDisposeScope());
        }

        return (cat(values, 1), cat(logWeights, 0).T.to(float64));
    }

    /// <summary>
    /// <paramref name="count"/> encoder proposals of every unit's Z and their log importance weights
    /// log p(A_i,obs | Z, θ) + log p(Z) − log q(Z | A_i) at the given θ: values [N, L, K], weights [L, N].
    /// </summary>
    private static (Tensor Values, Tensor LogWeights) Proposals(FittedFactorModel fit, AmortizedLatentGuide latent, FactorData data, IReadOnlyDictionary<string, Tensor> theta, int count, double widen, long seed)
    {
        Trace candidates, scored;
        using (Plate(ProposalsPlate, count, dim: -3))
        {
            Func<FactorData, object?> encoder = d => latent.Run(d, widen);
            encoder = encoder.Seed(seed);
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
