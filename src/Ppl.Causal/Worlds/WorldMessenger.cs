using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Base of the handlers that keep several worlds at once along batch dims (ChiRho's worlds as
/// plates). Besides splitting intervened values it makes every world share exogenous noise:
/// <list type="bullet">
/// <item>a sample site whose distribution differs across worlds takes its factual value as usual
/// (drawn, observed or replayed) and its value in every other world from the same noise through
/// the site's mechanism (<see cref="SharedNoise"/>): observing a downstream site therefore
/// conditions the factual world and, through the shared noise, fixes the counterfactual one
/// (abduction);</item>
/// <item>log-densities count the factual world only — the other worlds are functions of the same
/// noise, not new random choices.</item>
/// </list>
/// World dims are ChiRho's index plates: keyed by name (<see cref="AddIndex"/>), reserved for the
/// duration of the installation so plates entered inside allocate other dims, and entered (as a
/// plate frame) by every sample site that varies along them. A site whose batch has any other size
/// than 1 or the world count at a world dim is an error.
/// </summary>
public abstract class WorldMessenger : CounterfactualMessenger
{
    /// <summary>Stage of <see cref="Message.AfterValue"/> at which the mechanisms run (before interventions).</summary>
    internal const int MechanismStage = -1;

    /// <summary>Stage at which world masks apply (after interventions).</summary>
    internal const int MaskStage = 1;

    private readonly List<WorldDim> _worlds = [];
    private readonly List<PlateMessenger> _reserved = [];
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>The world dims in use, in the order they were created.</summary>
    public IReadOnlyList<WorldDim> Worlds => _worlds;

    /// <summary>The entries of <paramref name="value"/> in the selected worlds (<see cref="WorldTensors.Gather"/>).</summary>
    public Tensor Gather(Tensor value, IndexSet selection, int eventDim = 0) => WorldTensors.Gather(value, selection, _worlds, eventDim);

    /// <summary>The world indices <paramref name="value"/> varies along.</summary>
    public IndexSet IndicesOf(Tensor value, int eventDim = 0) => WorldTensors.IndicesOf(value, _worlds, eventDim);

    /// <summary>The factual entry of <paramref name="value"/>.</summary>
    public Tensor FactualOf(Tensor value, int eventDim = 0) => WorldTensors.Factual(value, _worlds, eventDim);

    /// <inheritdoc />
    protected override void OnInstalled()
    {
        _worlds.Clear();
        _reserved.Clear();
        _warned.Clear();
    }

    /// <inheritdoc />
    protected internal override void OnUninstalled()
    {
        foreach (var plate in _reserved)
        {
            HandlerStack.Remove(plate);
        }

        _reserved.Clear();
    }

    /// <summary>The rightmost dim world indices use: the k-th index created takes <c>FirstAvailableDim - k</c>.</summary>
    protected abstract int FirstAvailableDim { get; }

    /// <summary>
    /// The world index called <paramref name="name"/>, created at the next world dim when new (ChiRho's
    /// <c>add_indices</c>): an index is keyed by name, so using a name again reuses its dim.
    /// </summary>
    /// <param name="name">The index name.</param>
    /// <param name="entries">The entries that will be used; a new index gets size max(largest + 1, count).</param>
    /// <exception cref="InvalidOperationException">The entries do not fit the existing index, or the next world dim is used by an enclosing plate.</exception>
    protected WorldDim AddIndex(string name, IReadOnlyCollection<int> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0 || entries.Min() < 0)
        {
            throw new ArgumentException($"{GetType().Name}: world index '{name}' needs entries 0, 1, …; got {{{string.Join(", ", entries)}}}.", nameof(entries));
        }

        if (_worlds.FirstOrDefault(w => w.Name == name) is { } existing)
        {
            if (entries.Max() >= existing.Size)
            {
                throw new InvalidOperationException(
                    $"{GetType().Name}: cannot add entries {{{string.Join(", ", entries.Order())}}} to world index '{name}', which has {existing.Size} worlds (dim {existing.Dim}); an index keeps the size it was created with — use another name for a split with more worlds.");
            }

            return existing;
        }

        return AddWorld(name, FirstAvailableDim - _worlds.Count, Math.Max(entries.Max() + 1, entries.Count));
    }

    /// <summary>Makes every index in <paramref name="indices"/> known (<see cref="AddIndex"/>).</summary>
    internal void AddIndices(IndexSet indices)
    {
        foreach (var (name, entries) in indices.Entries)
        {
            AddIndex(name, entries);
        }
    }

    /// <summary>Adds a world dim and reserves it from plates entered later.</summary>
    /// <exception cref="InvalidOperationException">An enclosing plate (or another world handler) already uses the dim (ChiRho: "unable to allocate an index plate").</exception>
    protected WorldDim AddWorld(string name, int dim, int size)
    {
        var enclosing = HandlerStack.EnclosingPlates().Plates;
        var taken = enclosing.FirstOrDefault(p => p.Frame.Dim == dim);
        if (taken is not null)
        {
            int leftmost = enclosing.Where(p => !_reserved.Contains(p)).Select(p => p.Frame.Dim ?? 0).Append(dim).Min();
            throw new InvalidOperationException(
                $"{GetType().Name} was unable to allocate an index plate dimension for world index '{name}' at dim {dim}: "
                + $"{(taken.ReserveOnly ? "another world handler's index" : "the enclosing plate")} {taken.Frame} already uses it. "
                + $"Give {GetType().Name} a first dim less than {FirstAvailableDim} that is left of (more negative than) every plate dim in your model, e.g. {leftmost - 1}.");
        }

        var world = new WorldDim(name, dim, size);
        _worlds.Add(world);
        var reserve = new PlateMessenger(new PlateFrame("__world_" + name, dim, size, size), reserveOnly: true);
        HandlerStack.InsertOutside(this, reserve);
        _reserved.Add(reserve);
        return world;
    }

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.AfterValue(CheckWorldBatch, MechanismStage);
        message.AfterValue(ShareNoise, MechanismStage);
        message.AfterValue(MaskOtherWorlds, MaskStage);
        message.AfterValue(AddIndexPlates, MaskStage);
    }

    /// <summary>
    /// Along a world dim a site must be the same in every world (size 1) or have one entry per
    /// world: any other size (an undeclared event dim, usually) would mix worlds silently.
    /// </summary>
    private void CheckWorldBatch(Message message)
    {
        if (message.Distribution is not { } dist || _worlds.Count == 0)
        {
            return;
        }

        int eventDim = dist.EventShape.Length;
        Check(dist.BatchShape, "distribution's batch shape");
        if (message.Value is { } value && value.dim() >= eventDim)
        {
            Check(value.Shape()[..^eventDim], "value's batch shape");
        }

        void Check(long[] batch, string what)
        {
            foreach (var w in _worlds)
            {
                long size = WorldTensors.SizeAt(batch, w.Dim);
                if (size != 1 && size != w.Size)
                {
                    throw new ArgumentException(
                        $"{GetType().Name}: site '{message.Name}' has size {size} at world dim {w.Dim} in its {what} {ShapeUtil.Format(batch)}, "
                        + $"but world index '{w.Name}' has {w.Size} worlds there; along a world dim a site must have size 1 (the same in every world) or {w.Size}. "
                        + $"If those dims are part of one event, declare them (dist.ToEvent(n)); otherwise give the world handler a dim left of every batch dim of the model (e.g. {_worlds.Min(x => x.Dim) - batch.Length}).");
                }
            }
        }
    }

    /// <summary>ChiRho's lazy index plates: a site that varies along a world dim sits in that index's plate.</summary>
    private void AddIndexPlates(Message message)
    {
        if (_worlds.Count == 0 || message.Distribution is not { } dist)
        {
            return;
        }

        int eventDim = dist.EventShape.Length;
        var valueBatch = message.Value is { } value && value.dim() >= eventDim ? value.Shape()[..^eventDim] : [];
        var frames = _worlds
            .Where(w => WorldTensors.SizeAt(dist.BatchShape, w.Dim) > 1 || WorldTensors.SizeAt(valueBatch, w.Dim) > 1)
            .Where(w => !message.Plates.Any(p => p.Dim == w.Dim))
            .Select(w => w.Frame)
            .ToList();
        if (frames.Count > 0)
        {
            message.Plates = message.Plates.InsertRange(0, frames);
        }
    }

    private void ShareNoise(Message message)
    {
        if (message.Distribution is not { } dist || message.Value is not { } value || _worlds.Count == 0 || !WorldTensors.HasWorlds(dist.BatchShape, _worlds))
        {
            return;
        }

        int eventDim = dist.EventShape.Length;
        var factual = WorldTensors.Factual(value, _worlds, eventDim);
        var worldValues = SharedNoise.Counterfactuals(dist, factual, _worlds, eventDim, message.ResolveGenerator());
        if (worldValues is null)
        {
            if (_warned.Add(message.Name))
            {
                PplWarnings.Warn(
                    $"{GetType().Name}: site '{message.Name}' ({dist.GetType().Name}) has no registered noise mechanism; its non-factual worlds are drawn independently (interventional, not counterfactual, for this site).");
            }

            if (!WorldTensors.HasWorlds(value, _worlds, eventDim))
            {
                var draws = dist.Sample(message.ResolveGenerator());
                var mask = WorldTensors.FactualMask(draws, _worlds, eventDim)!;
                mask = mask.reshape([.. mask.Shape(), .. Enumerable.Repeat(1L, eventDim)]);
                worldValues = Kernels.IsMeta(draws) ? draws : torch.where(mask, value.to(draws.dtype), draws);
            }
            else
            {
                return;
            }
        }

        message.Value = worldValues;
    }

    private void MaskOtherWorlds(Message message)
    {
        if (message.Value is not { } value || _worlds.Count == 0)
        {
            return;
        }

        int eventDim = message.Distribution?.EventShape.Length ?? 0;
        var mask = WorldTensors.FactualMask(value, _worlds, eventDim);
        if (mask is not null)
        {
            message.Mask = message.Mask is null ? mask : message.Mask.logical_and(mask);
        }

        if (message.Distribution is { } dist && WiderAlongWorldsOnly(value.Shape()[..^eventDim], dist.BatchShape) is { } worldBatch)
        {
            // an intervened value splits into worlds its distribution does not have: the site's
            // batch grows by those world dims (the mask counts the factual world only), so its
            // log-density has exactly the batch shape, as for every other site
            message.Distribution = dist.Expand(worldBatch);
        }
    }

    /// <summary>
    /// The batch shape <paramref name="batch"/> broadcast with <paramref name="valueBatch"/>, when
    /// that differs from <paramref name="batch"/> along world dims only; null otherwise (no change,
    /// or a difference elsewhere, which the trace's shape check reports).
    /// </summary>
    private long[]? WiderAlongWorldsOnly(long[] valueBatch, long[] batch)
    {
        if (ShapeUtil.BroadcastsInto(valueBatch, batch) || !ShapeUtil.TryBroadcast(valueBatch, batch, out var wide, out _))
        {
            return null;
        }

        for (int i = 1; i <= wide.Length; i++)
        {
            long before = i <= batch.Length ? batch[^i] : 1;
            if (wide[^i] != before && !_worlds.Any(w => w.Dim == -i))
            {
                return null;
            }
        }

        return wide;
    }
}
