using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// "Had we taken action a at step t of this logged episode, what would have happened?": the
/// episode's noise is drawn from its posterior, the behaviour policy's action at step t is replaced
/// by <c>a</c> (all other steps keep the behaviour mechanism and their abducted noise), and the
/// episode is replayed. With <c>counterfactual: false</c> only the steps before t are conditioned
/// on the log and later noise is fresh: the interventional answer given the history, for contrast.
/// </summary>
public static class CounterfactualQuery
{
    /// <summary>Replays episode <paramref name="episode"/> of <paramref name="log"/> <paramref name="draws"/> times with action <paramref name="action"/> forced at step <paramref name="step"/>.</summary>
    /// <returns>Episodes with batch shape [draws, 1], paths recorded.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The episode, step or action does not exist, or the episode ended before the step.</exception>
    public static ScmEpisodes ActionAtStep(
        TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, long episode, int step, long action, long draws, long seed, bool counterfactual = true)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(behaviour);
        ArgumentOutOfRangeException.ThrowIfNegative(episode);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(episode, log.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(action);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(action, mdp.ActionCount);
        long length = log.Lengths[episode].item<long>();
        if (step < 0 || step >= length)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"episode {episode} took {length} steps; the step must be in [0, {length}).");
        }

        var one = log.Slice(episode, 1);
        var forced = full([mdp.ActionCount], double.NegativeInfinity, dtype: mdp.Transition.dtype, device: mdp.Transition.device);
        forced[action] = 0;
        var args = new ScmArguments(
            mdp,
            (t, s) => t == step ? forced.expand([.. s.shape, mdp.ActionCount]) : behaviour.Logits[s],
            [draws, 1],
            RecordPath: true);
        using var generator = new Generator((ulong)seed, mdp.Transition.device);
        using (LoggedEpisodeAbduction.Create(mdp, one, behaviour, draws, generator, counterfactual ? null : step).Install())
        {
            return MdpScm.Run(args);
        }
    }
}
