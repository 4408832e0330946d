namespace Ppl.Inference.Optim;

/// <summary>
/// An optimizer state file read, checked and turned into state tensors, not yet applied:
/// <see cref="Optimizer.PrepareLoad"/> makes it, <see cref="Optimizer.Commit"/> applies it.
/// Splitting the two lets a checkpoint check every one of its files before changing anything.
/// Disposing it frees the state unless it was applied.
/// </summary>
internal sealed class PendingOptimizerLoad : IDisposable
{
    private readonly Dictionary<string, ParameterState> _states;
    private bool _applied;

    internal PendingOptimizerLoad(Optimizer target, string path, ulong checksum, long stepCount, Dictionary<string, ParameterState> states)
    {
        Target = target;
        Path = path;
        Checksum = checksum;
        StepCount = stepCount;
        _states = states;
    }

    /// <summary>The optimizer it was checked against; the only one it may be applied to.</summary>
    public Optimizer Target { get; }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The file's checksum (its trailer's CRC-64).</summary>
    public ulong Checksum { get; }

    /// <summary>The saved step count.</summary>
    public long StepCount { get; }

    /// <summary>The state by parameter name.</summary>
    public IReadOnlyDictionary<string, ParameterState> States => _states;

    /// <summary>Marks the state as handed over to the optimizer.</summary>
    internal void MarkApplied() => _applied = true;

    /// <summary>Frees the state unless it was applied.</summary>
    public void Dispose()
    {
        if (!_applied)
        {
            foreach (var state in _states.Values)
            {
                state.Dispose();
            }
        }

        _states.Clear();
    }
}
