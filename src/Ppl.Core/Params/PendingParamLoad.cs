using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Params;

/// <summary>
/// A parameter file read, checked against a store and turned into tensors, not yet applied:
/// <see cref="ParamStore.PrepareLoad"/> makes it, <see cref="ParamStore.Commit"/> applies it.
/// Splitting the two lets a checkpoint check every one of its files before changing anything.
/// Disposing it frees whatever was not applied.
/// </summary>
internal sealed class PendingParamLoad : IDisposable
{
    /// <summary>One parameter to apply: a value to copy into an existing parameter, or the value of a new parameter on its device.</summary>
    internal sealed record Item(string Name, Constraint Constraint, int EventDim, Tensor Value, bool Replaces);

    private readonly List<Item> _items;
    private bool _applied;

    internal PendingParamLoad(ParamStore target, string path, ulong checksum, List<Item> items)
    {
        Target = target;
        Path = path;
        Checksum = checksum;
        _items = items;
    }

    /// <summary>The store it was checked against; the only one it may be applied to.</summary>
    public ParamStore Target { get; }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The file's checksum (its trailer's CRC-64).</summary>
    public ulong Checksum { get; }

    /// <summary>What to apply, in file order.</summary>
    public IReadOnlyList<Item> Items => _items;

    /// <summary>Marks the new parameters' values as handed over to the store (copied values are still freed on dispose).</summary>
    internal void MarkApplied() => _applied = true;

    /// <summary>Frees the copied values, and the new parameters unless they were applied.</summary>
    public void Dispose()
    {
        foreach (var item in _items.Where(i => i.Replaces || !_applied))
        {
            item.Value.Dispose();
        }

        _items.Clear();
    }
}
