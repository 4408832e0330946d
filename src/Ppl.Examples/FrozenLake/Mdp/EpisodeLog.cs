using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// Logged episodes of a tabular MDP, padded to the time limit H: episode e visits
/// <see cref="States"/>[e, 0..L] and takes <see cref="Actions"/>[e, 0..L−1] where L =
/// <see cref="Lengths"/>[e]. Past its end the state stays put and the padded actions are
/// meaningless (use <see cref="Alive"/>).
/// </summary>
public sealed class EpisodeLog
{
    /// <summary>Checks and wraps the tables.</summary>
    /// <param name="states">Int64 [E, H+1].</param>
    /// <param name="actions">Int64 [E, H].</param>
    /// <param name="lengths">Int64 [E], steps actually taken.</param>
    /// <param name="returns">Float64 [E], the undiscounted return of each episode.</param>
    /// <exception cref="ArgumentException">The shapes disagree.</exception>
    public EpisodeLog(Tensor states, Tensor actions, Tensor lengths, Tensor returns)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(returns);
        if (states.dim() != 2 || actions.dim() != 2 || states.shape[0] != actions.shape[0] || states.shape[1] != actions.shape[1] + 1
            || lengths.shape is not [var l] || l != states.shape[0] || returns.shape is not [var r] || r != states.shape[0])
        {
            throw new ArgumentException(
                $"an episode log needs states [E, H+1], actions [E, H], lengths [E], returns [E]; got [{string.Join(", ", states.shape)}], "
                + $"[{string.Join(", ", actions.shape)}], [{string.Join(", ", lengths.shape)}], [{string.Join(", ", returns.shape)}].",
                nameof(states));
        }

        States = states;
        Actions = actions;
        Lengths = lengths;
        Returns = returns;
    }

    /// <summary>Visited states, int64 [E, H+1].</summary>
    public Tensor States { get; }

    /// <summary>Actions taken, int64 [E, H].</summary>
    public Tensor Actions { get; }

    /// <summary>Steps taken by each episode, int64 [E].</summary>
    public Tensor Lengths { get; }

    /// <summary>Undiscounted return of each episode, float64 [E].</summary>
    public Tensor Returns { get; }

    /// <summary>Number of episodes E.</summary>
    public long Count => States.shape[0];

    /// <summary>The time limit H the log is padded to.</summary>
    public long Horizon => Actions.shape[1];

    /// <summary>True where step t of episode e was actually taken, bool [E, H].</summary>
    public Tensor Alive => arange(Horizon, device: Lengths.device).unsqueeze(0).lt(Lengths.unsqueeze(1));

    /// <summary>The episodes <paramref name="start"/> .. start+count−1 (views, not copies).</summary>
    public EpisodeLog Slice(long start, long count) =>
        new(States.narrow(0, start, count), Actions.narrow(0, start, count), Lengths.narrow(0, start, count), Returns.narrow(0, start, count));
}
