using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// Counterfactual off-policy evaluation (Oberst and Sontag 2019): for each logged episode, draw
/// the exogenous noise of <see cref="MdpScm"/> from its exact posterior given the episode
/// (<see cref="LoggedEpisodeAbduction"/>), replay the episode with the target policy in place of
/// the behaviour policy and the same noise, and average the counterfactual returns. One batched
/// program run covers [draws, episodes]; episodes are split into chunks only to bound memory.
/// </summary>
public static class CounterfactualEvaluation
{
    /// <summary>Runs the evaluation.</summary>
    /// <param name="mdp">The known dynamics (the SCM's mechanisms).</param>
    /// <param name="log">Episodes logged under <paramref name="behaviour"/>.</param>
    /// <param name="behaviour">The logging policy (its random choices are abducted as action noise).</param>
    /// <param name="target">The policy to evaluate.</param>
    /// <param name="draws">Posterior noise draws per episode.</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <param name="maxElements">Largest noise tensor (draws × episodes × categories) of one chunk.</param>
    /// <param name="progress">
    /// Receives the fraction done (0 to 1) after every replayed time step; a chunk counts as
    /// <see cref="TabularMdp.Horizon"/> steps even when all its episodes end sooner.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">draws is below one.</exception>
    public static CounterfactualResult Evaluate(
        TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, TabularPolicy target, long draws, long seed, long maxElements = 2_000_000, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(behaviour);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        PolicyEvaluation.CheckShapes(mdp, behaviour);
        PolicyEvaluation.CheckShapes(mdp, target);
        long categories = Math.Max(mdp.StateCount, mdp.ActionCount);
        long chunk = Math.Max(1, maxElements / (draws * categories));
        using var generator = new Generator((ulong)seed, mdp.Transition.device);
        var returns = new List<Tensor>();
        var finals = new List<Tensor>();
        long chunks = (log.Count + chunk - 1) / chunk;
        for (long start = 0, index = 0; start < log.Count; start += chunk, index++)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(chunk, log.Count - start);
            var part = log.Slice(start, count);
            var args = ScmArguments.ForPolicy(mdp, target, [draws, count]);
            ScmEpisodes ReplayChunk()
            {
                using (LoggedEpisodeAbduction.Create(mdp, part, behaviour, draws, generator).Install())
                {
                    return MdpScm.Run(args);
                }
            }

            var replay = progress is null ? ReplayChunk() : new ReplayProgress(progress, mdp.Horizon, index, chunks).Run(ReplayChunk);
            returns.Add(replay.Returns.MoveToOuterDisposeScope());
            finals.Add(replay.FinalStates.MoveToOuterDisposeScope());
            progress?.Report((index + 1.0) / chunks);
        }

        return new CounterfactualResult(cat(returns, 1), cat(finals, 1));
    }
}
