using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>Saving and loading an optimizer's state (<see cref="OptimizerStateFile"/>).</summary>
public abstract partial class Optimizer
{
    /// <summary>
    /// Writes the step count and every parameter's update count and state tensors, by name, to
    /// <paramref name="path"/> in Ppl's optimizer state format (raw tensor bytes, so a resumed run
    /// is bit-identical, and a checksum). Hyperparameters, <see cref="Schedule"/> and
    /// <see cref="PerParameter"/> are code and are not saved. The file is replaced atomically:
    /// the new content goes to a temporary file in the same folder and is renamed over
    /// <paramref name="path"/> only once it is complete on disk, so a save that fails part way
    /// leaves the previous file as it was.
    /// </summary>
    public void Save(string path) => SaveWithChecksum(path);

    /// <summary>
    /// Replaces all state with what <see cref="Save"/> wrote to <paramref name="path"/>. Tensors are
    /// placed on <paramref name="device"/> (CPU when null) and moved to their parameter's device on
    /// its next update. The whole file is read and checked (checksum, structure, optimizer kind)
    /// before anything changes: when this throws, the optimizer is as it was.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an optimizer state file of this version, or is damaged (checksum mismatch, a name or state key twice, sizes beyond the file); the message starts with the path.</exception>
    /// <exception cref="InvalidOperationException">The file was written by another kind of optimizer.</exception>
    public void Load(string path, Device? device = null)
    {
        using var pending = PrepareLoad(path, device);
        Commit(pending);
    }

    /// <summary><see cref="Save"/>, returning the checksum stored in the file.</summary>
    internal ulong SaveWithChecksum(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return OptimizerStateFile.Write(path, Name, StepCount, _states.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
    }

    /// <summary>
    /// The first half of <see cref="Load"/>: reads and checks the whole file and makes the state
    /// tensors, changing nothing; <see cref="Commit"/> applies the result.
    /// </summary>
    internal PendingOptimizerLoad PrepareLoad(string path, Device? device)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (contents, checksum) = OptimizerStateFile.Read(path);
        if (contents.Kind != Name)
        {
            throw new InvalidOperationException($"{Name}.Load: {path} holds the state of a {contents.Kind} optimizer.");
        }

        var states = new Dictionary<string, ParameterState>(StringComparer.Ordinal);
        var pending = new PendingOptimizerLoad(this, path, checksum, contents.StepCount, states);
        try
        {
            foreach (var p in contents.Parameters)
            {
                var state = new ParameterState { Step = p.Step };
                states.Add(p.Name, state);
                foreach (var (key, value) in p.Tensors)
                {
                    using var scope = NewDisposeScope();
                    state.Set(key, value.ToCpuTensor().to(device ?? CPU).detach().clone());
                }
            }
        }
        catch
        {
            pending.Dispose();
            throw;
        }

        return pending;
    }

    /// <summary>The second half of <see cref="Load"/>: replaces all state with what <see cref="PrepareLoad"/> checked.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="pending"/> was prepared for another optimizer.</exception>
    internal void Commit(PendingOptimizerLoad pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(pending.Target, this))
        {
            throw new InvalidOperationException($"{Name}.Load: {pending.Path} was checked for another optimizer.");
        }

        ClearState();
        foreach (var (name, state) in pending.States)
        {
            _states.Add(name, state);
        }

        pending.MarkApplied();
        StepCount = pending.StepCount;
    }
}
