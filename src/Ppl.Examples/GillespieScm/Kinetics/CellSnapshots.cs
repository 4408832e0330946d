using static TorchSharp.torch;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>The states of many independently simulated cells at fixed observation times.</summary>
/// <param name="Counts">Active counts, int64 of shape [cells, times, species].</param>
/// <param name="Times">The observation times.</param>
/// <param name="Steps">Vectorized steps taken (at least the longest cell's event count).</param>
public sealed record CellSnapshots(Tensor Counts, IReadOnlyList<double> Times, long Steps)
{
    /// <summary>The counts of <paramref name="species"/> at observation <paramref name="time"/> (an index into <see cref="Times"/>; the last by default), one per cell.</summary>
    public Tensor Of(int species, int time = -1)
    {
        ArgumentNullException.ThrowIfNull(Counts);
        int t = time < 0 ? Times.Count + time : time;
        return Counts.select(1, t).select(1, species);
    }
}
