using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Reading and building world-indexed values. A value carries a world index when its size at that
/// index's dim (counted left of <c>eventDim</c> event dims) is above 1; size 1 or a shorter shape
/// means "the same in every world" (broadcasting).
/// </summary>
public static class WorldTensors
{
    /// <summary>True when <paramref name="value"/> has more than one entry along any of <paramref name="worlds"/>.</summary>
    public static bool HasWorlds(Tensor value, IEnumerable<WorldDim> worlds, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(worlds);
        return worlds.Any(w => SizeAt(value.Shape(), w.Dim - eventDim) > 1);
    }

    /// <summary>True when a batch shape has more than one entry along any of <paramref name="worlds"/>.</summary>
    public static bool HasWorlds(long[] batchShape, IEnumerable<WorldDim> worlds)
    {
        ArgumentNullException.ThrowIfNull(batchShape);
        ArgumentNullException.ThrowIfNull(worlds);
        return worlds.Any(w => SizeAt(batchShape, w.Dim) > 1);
    }

    /// <summary>The world indices <paramref name="value"/> varies along, with all their entries.</summary>
    public static IndexSet IndicesOf(Tensor value, IEnumerable<WorldDim> worlds, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(worlds);
        return IndicesAlong(value.Shape(), eventDim, worlds);
    }

    /// <summary>The world indices a tensor of <paramref name="shape"/> (with <paramref name="eventDim"/> event dims) varies along, with all their entries.</summary>
    internal static IndexSet IndicesAlong(long[] shape, int eventDim, IEnumerable<WorldDim> worlds) =>
        new(worlds
            .Where(w => SizeAt(shape, w.Dim - eventDim) > 1)
            .ToDictionary(w => w.Name, w => Enumerable.Range(0, (int)SizeAt(shape, w.Dim - eventDim)), StringComparer.Ordinal));

    /// <summary>
    /// The entries of <paramref name="value"/> in the selected worlds; world dims stay (with the
    /// selected size), so results broadcast against other world-indexed values. An index the value
    /// does not vary along is left as is (the value is the same in every world there).
    /// </summary>
    /// <exception cref="ArgumentException">The selection names an unknown index or an entry out of range.</exception>
    public static Tensor Gather(Tensor value, IndexSet selection, IEnumerable<WorldDim> worlds, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(worlds);
        var byName = worlds.ToDictionary(w => w.Name, StringComparer.Ordinal);
        foreach (var (name, entries) in selection.Entries)
        {
            if (!byName.TryGetValue(name, out var world))
            {
                throw new ArgumentException($"Gather: no world index named '{name}'; known: {string.Join(", ", byName.Keys)}.", nameof(selection));
            }

            int dim = world.Dim - eventDim;
            long size = SizeAt(value.Shape(), dim);
            if (size <= 1)
            {
                continue;
            }

            if (entries.Any(i => i < 0 || i >= size))
            {
                throw new ArgumentException($"Gather: index '{name}' has {size} worlds, asked for {{{string.Join(", ", entries)}}} (value shape {ShapeUtil.Format(value.Shape())}).", nameof(selection));
            }

            value = entries.Count == 1
                ? value.narrow(dim, entries.Min, 1)
                : torch.cat(entries.Select(i => value.narrow(dim, i, 1)).ToArray(), dim);
        }

        return value;
    }

    /// <summary>The factual entry (index 0 along every world dim), world dims kept with size 1.</summary>
    public static Tensor Factual(Tensor value, IEnumerable<WorldDim> worlds, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(worlds);
        foreach (var w in worlds)
        {
            int dim = w.Dim - eventDim;
            if (SizeAt(value.Shape(), dim) > 1)
            {
                value = value.narrow(dim, WorldDim.Factual, 1);
            }
        }

        return value;
    }

    /// <summary>
    /// A boolean tensor, true only at the factual entry of every world dim <paramref name="value"/>
    /// varies along, shaped to broadcast against the value's batch shape; null when it varies along none.
    /// </summary>
    public static Tensor? FactualMask(Tensor value, IEnumerable<WorldDim> worlds, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(worlds);
        var batch = value.Shape()[..^eventDim];
        var present = worlds.Where(w => SizeAt(batch, w.Dim) > 1).ToList();
        if (present.Count == 0)
        {
            return null;
        }

        var shape = new long[batch.Length];
        Array.Fill(shape, 1L);
        foreach (var w in present)
        {
            shape[batch.Length + w.Dim] = batch[batch.Length + w.Dim];
        }

        var mask = torch.zeros(shape, dtype: ScalarType.Bool, device: value.device);
        var corner = mask;
        foreach (var w in present)
        {
            corner = corner.narrow(batch.Length + w.Dim, WorldDim.Factual, 1);
        }

        corner.fill_(true);
        return mask;
    }

    /// <summary>
    /// Stacks <paramref name="parts"/> along <paramref name="dim"/> (a batch dim, negative) after
    /// broadcasting them against each other with size 1 there: one entry per world.
    /// </summary>
    public static Tensor StackWorlds(IReadOnlyList<Tensor> parts, int dim, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(parts);
        int tensorDim = dim - eventDim;
        int rank = Math.Max(parts.Max(p => (int)p.dim()), -tensorDim);
        var lifted = parts.Select(p => Lift(p, rank)).ToArray();
        var shape = lifted.Select(p => p.Shape()).Aggregate((a, b) => ShapeUtil.Broadcast(a, b));
        shape[rank + tensorDim] = 1;
        return torch.cat(lifted.Select(p => p.expand(shape)).ToArray(), tensorDim);
    }

    /// <summary>The size of <paramref name="shape"/> at negative <paramref name="dim"/>; 1 when the shape is shorter.</summary>
    internal static long SizeAt(long[] shape, int dim) => shape.Length >= -dim ? shape[shape.Length + dim] : 1;

    private static Tensor Lift(Tensor t, int rank)
    {
        if (t.dim() >= rank)
        {
            return t;
        }

        var shape = new long[rank];
        Array.Fill(shape, 1L);
        t.Shape().CopyTo(shape, rank - t.Shape().Length);
        return t.reshape(shape);
    }
}
