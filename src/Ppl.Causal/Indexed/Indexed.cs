using System.Collections.Immutable;
using Ppl.Distributions;
using Ppl.Effects;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// ChiRho's indexed operations on world-indexed values: <see cref="IndicesOf(Tensor, int, IReadOnlyList{WorldDim}?)"/>,
/// <see cref="Gather"/>, <see cref="Scatter"/>, <see cref="ScatterN"/>, <see cref="Cond(Tensor, Tensor, Tensor, int)"/>,
/// <see cref="CondN"/>, <see cref="Union"/>, <see cref="GetIndexPlates"/> and <see cref="AddIndices"/>.
/// <para>
/// Every operation that needs to know which batch dim an index name lives at takes it from
/// <c>worlds</c> when given (ChiRho's <c>name_to_dim</c>), else from the innermost
/// world handler installed (<see cref="TwinWorldCounterfactual"/>, <see cref="MultiWorldCounterfactual"/>).
/// A value "varies along" an index when its size at that dim (left of <c>eventDim</c> event dims)
/// is above 1; size 1 or a shorter shape means it is the same in every world there.
/// </para>
/// </summary>
public static class Indexed
{
    /// <summary>The prefix of the plate frame a world index adds to the sites that vary along it.</summary>
    public const string IndexPlatePrefix = "__index_plate___";

    /// <summary>The world dims of the innermost installed world handler (empty when none is installed).</summary>
    public static IReadOnlyList<WorldDim> ActiveWorlds() => ActiveHandler()?.Worlds ?? [];

    /// <summary>
    /// ChiRho's <c>get_index_plates</c>: the plate frame of every world index of the innermost
    /// installed world handler, by index name. The frames' own names carry <see cref="IndexPlatePrefix"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, PlateFrame> GetIndexPlates() =>
        ActiveWorlds().ToDictionary(w => w.Name, w => w.Frame, StringComparer.Ordinal);

    /// <summary>
    /// ChiRho's <c>add_indices</c>: makes the innermost world handler know every index in
    /// <paramref name="indices"/>. A new name gets the handler's next world dim, with size
    /// max(largest entry + 1, number of entries); a known name keeps its dim, and its entries must fit.
    /// </summary>
    /// <returns><paramref name="indices"/>.</returns>
    /// <exception cref="InvalidOperationException">
    /// No world handler is installed, an entry does not fit a known index, or the next world dim is
    /// used by an enclosing plate.
    /// </exception>
    public static IndexSet AddIndices(IndexSet indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var handler = ActiveHandler() ?? throw new InvalidOperationException(
            $"AddIndices {indices}: no world handler is installed; install a MultiWorldCounterfactual (or TwinWorldCounterfactual) first.");
        handler.AddIndices(indices);
        return indices;
    }

    /// <summary>The union of index sets (<see cref="IndexSet.Union"/>).</summary>
    public static IndexSet Union(params IndexSet[] sets) => IndexSet.Union(sets);

    /// <summary>ChiRho's <c>indices_of</c> on a tensor: the world indices it varies along, each with all its entries.</summary>
    /// <param name="value">The value.</param>
    /// <param name="eventDim">How many rightmost dims are one event (never world dims).</param>
    /// <param name="worlds">Where each index lives; the active world handler's when null.</param>
    public static IndexSet IndicesOf(Tensor value, int eventDim = 0, IReadOnlyList<WorldDim>? worlds = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IndicesOf(value.Shape(), eventDim, worlds);
    }

    /// <summary>ChiRho's <c>indices_of</c> on a shape: the world indices a tensor of that shape varies along.</summary>
    /// <exception cref="ArgumentException"><paramref name="eventDim"/> is negative or exceeds the rank.</exception>
    public static IndexSet IndicesOf(long[] shape, int eventDim = 0, IReadOnlyList<WorldDim>? worlds = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (eventDim < 0 || eventDim > shape.Length)
        {
            throw new ArgumentException($"IndicesOf: eventDim {eventDim} does not fit a shape of rank {shape.Length} ({ShapeUtil.Format(shape)}).", nameof(eventDim));
        }

        return WorldTensors.IndicesAlong(shape, eventDim, worlds ?? ActiveWorlds());
    }

    /// <summary>ChiRho's <c>indices_of</c> on a distribution: the world indices its batch shape varies along.</summary>
    public static IndexSet IndicesOf(Distribution distribution, IReadOnlyList<WorldDim>? worlds = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return IndicesOf(distribution.BatchShape, 0, worlds);
    }

    /// <summary>
    /// ChiRho's <c>gather</c>: the entries of <paramref name="value"/> at the selected worlds, world
    /// dims kept (with the selected size). Indices the value does not vary along are left alone.
    /// </summary>
    /// <exception cref="ArgumentException">The selection names an unknown index or an entry out of range.</exception>
    public static Tensor Gather(Tensor value, IndexSet indices, int eventDim = 0, IReadOnlyList<WorldDim>? worlds = null) =>
        WorldTensors.Gather(value, indices, worlds ?? ActiveWorlds(), eventDim);

    /// <summary>
    /// ChiRho's <c>scatter</c>: <paramref name="result"/> with the entries selected by
    /// <paramref name="indices"/> replaced by <paramref name="value"/> (which broadcasts into them).
    /// Without a result, a zero tensor whose size at every selected index is the index's full size.
    /// Unlike ChiRho, <paramref name="result"/> is not modified; a new tensor is returned.
    /// </summary>
    /// <param name="value">The entries to write; where it varies along a selected index it is first gathered at the selection.</param>
    /// <param name="indices">The entries to fill.</param>
    /// <param name="result">The value to write into; null for zeros.</param>
    /// <param name="eventDim">How many rightmost dims are one event.</param>
    /// <param name="worlds">Where each index lives; the active world handler's when null.</param>
    /// <exception cref="ArgumentException">
    /// An unknown index, an entry out of range, or a value that does not broadcast into the selected entries of the result.
    /// </exception>
    public static Tensor Scatter(Tensor value, IndexSet indices, Tensor? result = null, int eventDim = 0, IReadOnlyList<WorldDim>? worlds = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(indices);
        var known = worlds ?? ActiveWorlds();
        var byName = ByName(known, indices, "Scatter");
        value = WorldTensors.Gather(value, indices, known, eventDim);
        indices = IndexSet.Union(indices, IndicesOf(value, eventDim, known));
        result ??= Zeros(value, indices, eventDim, known, byName);

        var selected = new List<(int Dim, ImmutableSortedSet<int> Entries)>();
        foreach (var (name, entries) in indices.Entries)
        {
            var world = byName[name];
            int dim = world.Dim - eventDim;
            long size = WorldTensors.SizeAt(result.Shape(), dim);
            if (size <= 1)
            {
                continue; // the result is the same in every world of this index: the value fills it
            }

            if (entries.Min < 0 || entries.Max >= size)
            {
                throw new ArgumentException(
                    $"Scatter: index '{name}' has {size} entries in the result (shape {ShapeUtil.Format(result.Shape())}), asked for {{{string.Join(", ", entries)}}}.", nameof(indices));
            }

            selected.Add(((int)result.dim() + dim, entries));
        }

        return Write(result, value, selected, 0, indices);
    }

    /// <summary>
    /// ChiRho's <c>scatter_n</c>: scatters each value into its (disjoint) entries, in order. Without
    /// <paramref name="worlds"/>, the innermost world handler first learns every index named
    /// (<see cref="AddIndices"/>), as ChiRho's index-plate handler does.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty, or a value does not scatter (see <see cref="Scatter"/>).</exception>
    public static Tensor ScatterN(IEnumerable<KeyValuePair<IndexSet, Tensor>> values, Tensor? result = null, int eventDim = 0, IReadOnlyList<WorldDim>? worlds = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var parts = values.ToList();
        if (parts.Count == 0)
        {
            throw new ArgumentException("ScatterN: no values to scatter.", nameof(values));
        }

        if (worlds is null && ActiveHandler() is { } handler)
        {
            handler.AddIndices(IndexSet.Union(parts.Select(p => p.Key).ToArray()));
        }

        foreach (var (indices, value) in parts)
        {
            result = Scatter(value, indices, result, eventDim, worlds);
        }

        return result!;
    }

    /// <summary>
    /// ChiRho's <c>cond</c>: <paramref name="snd"/> where <paramref name="case"/> is true, else
    /// <paramref name="fst"/>, entry by entry (both are computed, as with <c>torch.where</c>).
    /// <paramref name="case"/> has no event dims: it is broadcast over the rightmost
    /// <paramref name="eventDim"/> dims of the values.
    /// </summary>
    /// <exception cref="ArgumentException">The case is not boolean, or the shapes do not broadcast.</exception>
    public static Tensor Cond(Tensor fst, Tensor snd, Tensor @case, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(fst);
        ArgumentNullException.ThrowIfNull(snd);
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentOutOfRangeException.ThrowIfNegative(eventDim);
        if (@case.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"Cond: the case must be a boolean tensor, got {@case.dtype}; compare it first (e.g. case == 1).", nameof(@case));
        }

        var condition = @case.reshape([.. @case.Shape(), .. Enumerable.Repeat(1L, eventDim)]);
        if (!ShapeUtil.TryBroadcast(fst.Shape(), snd.Shape(), out var both, out _) || !ShapeUtil.TryBroadcast(both, condition.Shape(), out _, out _))
        {
            throw new ArgumentException(
                $"Cond: shapes do not broadcast: fst {ShapeUtil.Format(fst.Shape())}, snd {ShapeUtil.Format(snd.Shape())}, case {ShapeUtil.Format(@case.Shape())} with {eventDim} event dims.");
        }

        return torch.where(condition, snd, fst);
    }

    /// <summary>ChiRho's <c>cond</c> with a plain boolean case: <paramref name="snd"/> if true, else <paramref name="fst"/>.</summary>
    public static Tensor Cond(Tensor fst, Tensor snd, bool @case)
    {
        ArgumentNullException.ThrowIfNull(fst);
        ArgumentNullException.ThrowIfNull(snd);
        return @case ? snd : fst;
    }

    /// <summary>
    /// ChiRho's <c>cond_n</c>: for each entry, the value whose index set contains the entry of
    /// <paramref name="case"/> (an integer tensor). Each key names exactly one index; its entries
    /// are the cases it covers. Entries no key covers take the first value.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or a key does not name exactly one index.</exception>
    public static Tensor CondN(IEnumerable<KeyValuePair<IndexSet, Tensor>> values, Tensor @case, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(@case);
        Tensor? result = null;
        foreach (var (indices, value) in values)
        {
            if (indices.Count != 1)
            {
                throw new ArgumentException($"CondN: each key must name exactly one index (the case's values it covers); got {indices}.", nameof(values));
            }

            Tensor? test = null;
            foreach (var entry in indices.Entries.Values.Single())
            {
                var hit = @case.eq(entry);
                test = test is null ? hit : test.logical_or(hit);
            }

            result = Cond(result ?? value, value, test!, eventDim);
        }

        return result ?? throw new ArgumentException("CondN: no values.", nameof(values));
    }

    private static WorldMessenger? ActiveHandler() => HandlerStack.Current.OfType<WorldMessenger>().LastOrDefault();

    private static Dictionary<string, WorldDim> ByName(IReadOnlyList<WorldDim> worlds, IndexSet indices, string operation)
    {
        var byName = worlds.ToDictionary(w => w.Name, StringComparer.Ordinal);
        foreach (var name in indices.Names)
        {
            if (!byName.ContainsKey(name))
            {
                throw new ArgumentException(
                    $"{operation}: no world index named '{name}'; known: {(byName.Count == 0 ? "none (no world handler installed and no worlds given)" : string.Join(", ", byName.Keys))}.",
                    nameof(indices));
            }
        }

        return byName;
    }

    private static Tensor Zeros(Tensor value, IndexSet indices, int eventDim, IReadOnlyList<WorldDim> worlds, Dictionary<string, WorldDim> byName)
    {
        int rank = Math.Max((int)value.dim(), worlds.Select(w => eventDim - w.Dim).DefaultIfEmpty(0).Max());
        var shape = new long[rank];
        Array.Fill(shape, 1L);
        value.Shape().CopyTo(shape, rank - (int)value.dim());
        foreach (var name in indices.Names)
        {
            var world = byName[name];
            shape[rank + world.Dim - eventDim] = world.Size;
        }

        return torch.zeros(shape, dtype: value.dtype, device: value.device);
    }

    /// <summary>The result with its block at the selected entries of dims <paramref name="selected"/>[k..] replaced by the value.</summary>
    private static Tensor Write(Tensor result, Tensor value, List<(int Dim, ImmutableSortedSet<int> Entries)> selected, int k, IndexSet indices)
    {
        if (k == selected.Count)
        {
            if (!ShapeUtil.BroadcastsInto(value.Shape(), result.Shape()))
            {
                throw new ArgumentException(
                    $"Scatter {indices}: a value of shape {ShapeUtil.Format(value.Shape())} does not broadcast into the selected entries of shape {ShapeUtil.Format(result.Shape())}.",
                    nameof(value));
            }

            var filled = value.dtype == result.dtype ? value : value.to(result.dtype);
            return filled.expand(result.Shape()).clone();
        }

        var (dim, entries) = selected[k];
        var index = torch.tensor(entries.Select(i => (long)i).ToArray(), dtype: ScalarType.Int64, device: result.device);
        var block = Write(result.index_select(dim, index), value, selected, k + 1, indices);
        return result.index_copy(dim, index, block);
    }
}
