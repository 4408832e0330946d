using Ppl.Causal;
using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// Classical off-policy estimates of a target policy's value from episodes logged under a known
/// behaviour policy, reweighting by the likelihood ratios ρ_t = π(a_t|s_t) / b(a_t|s_t).
/// They use no model of the dynamics; all are vectorized over episodes and steps.
/// </summary>
public static class ImportanceSampling
{
    /// <summary>
    /// Ordinary (trajectory-wise) importance sampling: mean over episodes of (Π_t ρ_t) · G.
    /// Unbiased when the behaviour policy covers the target's actions.
    /// </summary>
    public static CausalEstimate Ordinary(TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, TabularPolicy target)
    {
        using var scope = NewDisposeScope();
        var weights = CumulativeRatios(mdp, log, behaviour, target).select(1, -1);
        return CausalEstimate.OfMean(weights.mul(log.Returns));
    }

    /// <summary>
    /// Per-decision importance sampling: mean over episodes of Σ_t r_t Π_{k≤t} ρ_k, where r_t is
    /// the reward of step t; each reward is weighted only by the decisions made before it.
    /// </summary>
    public static CausalEstimate PerDecision(TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, TabularPolicy target)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        ArgumentNullException.ThrowIfNull(log);
        using var scope = NewDisposeScope();
        var weights = CumulativeRatios(mdp, log, behaviour, target);
        var rewards = mdp.Reward[log.States.narrow(1, 1, log.Horizon)].mul(log.Alive);
        return CausalEstimate.OfMean(weights.mul(rewards).sum(1));
    }

    /// <summary>
    /// Weighted (self-normalized) importance sampling: Σ_e W_e G_e / Σ_e W_e with W_e = Π_t ρ_t;
    /// biased but bounded by the returns. Its standard error is the delta-method one,
    /// √(Σ W²(G − est)²) / Σ W (<see cref="WeightedSamples.MeanStandardError"/>). With no weight at all it is NaN.
    /// </summary>
    public static CausalEstimate Weighted(TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, TabularPolicy target)
    {
        ArgumentNullException.ThrowIfNull(log);
        var weights = CumulativeRatios(mdp, log, behaviour, target).select(1, -1);
        return new CausalEstimate(new WeightedSamples(log.Returns, weights));
    }

    /// <summary>
    /// Kish's effective sample size of the trajectory weights, (Σ W)² / Σ W²: how many equally
    /// weighted episodes the ordinary and weighted estimates are worth (0 when no weight is positive).
    /// </summary>
    public static double EffectiveSampleSize(TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, TabularPolicy target)
    {
        using var scope = NewDisposeScope();
        var weights = CumulativeRatios(mdp, log, behaviour, target).select(1, -1);
        double squares = weights.square().sum().item<double>();
        return squares == 0 ? 0 : Math.Pow(weights.sum().item<double>(), 2) / squares;
    }

    /// <summary>Π_{k≤t} ρ_k for every episode and step, [E, H]; steps past an episode's end have ρ = 1.</summary>
    public static Tensor CumulativeRatios(TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, TabularPolicy target)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(behaviour);
        ArgumentNullException.ThrowIfNull(target);
        PolicyEvaluation.CheckShapes(mdp, behaviour);
        PolicyEvaluation.CheckShapes(mdp, target);
        using var scope = NewDisposeScope();
        var states = log.States.narrow(1, 0, log.Horizon);
        var ratios = target.Probabilities[states, log.Actions].div(behaviour.Probabilities[states, log.Actions]);
        return ratios.masked_fill(log.Alive.logical_not(), 1.0).cumprod(1).MoveToOuterDisposeScope();
    }
}
