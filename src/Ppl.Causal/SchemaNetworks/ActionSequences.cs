using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>Candidate action sequences for <see cref="SchemaPlanner"/>, as int64 [candidates, horizon].</summary>
public static class ActionSequences
{
    /// <summary>The largest set <see cref="Exhaustive"/> builds.</summary>
    public const long MaxExhaustive = 1 << 20;

    /// <summary>
    /// Every sequence of <paramref name="horizon"/> actions out of <paramref name="actions"/> (actionsʰ rows, the
    /// first action varying slowest).
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxExhaustive"/> sequences.</exception>
    public static Tensor Exhaustive(int actions, int horizon, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        double count = Math.Pow(actions, horizon);
        if (count > MaxExhaustive)
        {
            throw new ArgumentException($"ActionSequences.Exhaustive: {actions}^{horizon} = {count:G3} sequences is more than {MaxExhaustive}; shorten the horizon or use RunThenHold.", nameof(horizon));
        }

        using var scope = NewDisposeScope();
        var grids = meshgrid(Enumerable.Repeat(arange(actions, dtype: ScalarType.Int64, device: device), horizon).ToArray(), indexing: "ij");
        return stack(grids.Select(g => g.flatten()), -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The sequences "repeat one action k times, then hold": <paramref name="hold"/> throughout first, then for
    /// k = 1 … horizon every other action k times followed by <paramref name="hold"/>. (actions − 1)·horizon + 1
    /// candidates that cover every place a mover (a paddle, a cart) can reach within the horizon, shortest moves
    /// first, so a planner that keeps the first best candidate moves no more than it must.
    /// </summary>
    public static Tensor RunThenHold(int actions, int hold, int horizon, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(hold);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(hold, actions);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var rows = new List<long[]> { Enumerable.Repeat((long)hold, horizon).ToArray() };
        for (int k = 1; k <= horizon; k++)
        {
            for (int a = 0; a < actions; a++)
            {
                if (a != hold)
                {
                    rows.Add(Enumerable.Range(0, horizon).Select(t => t < k ? (long)a : hold).ToArray());
                }
            }
        }

        return tensor(rows.SelectMany(r => r).ToArray(), dtype: ScalarType.Int64, device: device).reshape(rows.Count, horizon);
    }
}
