using Ppl.Examples.FrozenLake.Mdp;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake;

/// <summary>
/// The "real world": FrozenLake stepped the way the game is played, not through the SCM. A step
/// draws which way the ice sends the agent (intended or perpendicular, uniformly) and moves on the
/// grid. Vectorized over a batch of episodes; used to produce the production logs.
/// </summary>
/// <param name="map">The lake.</param>
/// <param name="slippery">Whether the ice is slippery.</param>
public sealed class FrozenLakeEnvironment(FrozenLakeMap map, bool slippery)
{
    /// <summary>The lake.</summary>
    public FrozenLakeMap Map { get; } = map ?? throw new ArgumentNullException(nameof(map));

    /// <summary>Whether the ice is slippery.</summary>
    public bool Slippery { get; } = slippery;

    /// <summary>
    /// One step from <paramref name="states"/> taking <paramref name="actions"/> (int64, same shape):
    /// the next states and the rewards. Episodes that already ended are not this method's concern.
    /// </summary>
    public (Tensor Next, Tensor Reward) Step(Tensor states, Tensor actions, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(actions);
        using var scope = NewDisposeScope();
        var moves = MoveTable(states.device);
        var turn = Slippery
            ? randint(0, 3, states.shape, dtype: ScalarType.Int64, device: states.device, generator: generator).sub(1)
            : zeros_like(actions);
        var direction = actions.add(turn).add(4).remainder(4);
        var next = moves[states, direction];
        var goal = tensor(Map.Cells.Select(c => c == 'G').ToArray(), device: states.device);
        return (next.MoveToOuterDisposeScope(), goal[next].to(ScalarType.Float64).MoveToOuterDisposeScope());
    }

    /// <summary>Plays <paramref name="episodes"/> episodes with <paramref name="policy"/> up to the time limit and logs them.</summary>
    public EpisodeLog Rollout(TabularPolicy policy, long episodes, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        var device = policy.Probabilities.device;
        var terminal = tensor(Map.Cells.Select(c => c is 'H' or 'G').ToArray(), device: device);
        var state = full([episodes], (long)Map.Start, dtype: ScalarType.Int64, device: device);
        var done = zeros([episodes], dtype: ScalarType.Bool, device: device);
        var returns = zeros([episodes], dtype: ScalarType.Float64, device: device);
        var lengths = zeros([episodes], dtype: ScalarType.Int64, device: device);
        var states = new List<Tensor> { state };
        var actions = new List<Tensor>();
        for (int t = 0; t < Map.Horizon; t++)
        {
            var action = multinomial(policy.Probabilities[state], 1, generator: generator).squeeze(-1);
            var (moved, reward) = Step(state, action, generator);
            var running = done.logical_not();
            var next = where(done, state, moved);
            returns = returns.add(reward.mul(running));
            lengths = lengths.add(running.to(ScalarType.Int64));
            done = done.logical_or(terminal[next]);
            actions.Add(action);
            states.Add(next);
            state = next;
        }

        return new EpisodeLog(stack(states, 1), stack(actions, 1), lengths, returns);
    }

    private Tensor MoveTable(Device device)
    {
        var moves = new long[Map.StateCount * FrozenLakeMap.ActionCount];
        for (int s = 0; s < Map.StateCount; s++)
        {
            for (int d = 0; d < FrozenLakeMap.ActionCount; d++)
            {
                moves[(s * FrozenLakeMap.ActionCount) + d] = Map.Move(s, d);
            }
        }

        return tensor(moves, [Map.StateCount, FrozenLakeMap.ActionCount], device: device);
    }
}
