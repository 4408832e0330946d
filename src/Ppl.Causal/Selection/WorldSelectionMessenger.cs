using Ppl.Distributions;
using Ppl.Effects;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Base of <see cref="SelectFactual"/> and <see cref="SelectCounterfactual"/> (ChiRho's
/// <c>DependentMaskMessenger</c>): each sample site inside counts its log-density in the selected
/// worlds only. The selection spans every world index the enclosing world handler has at the site
/// (not only those the value varies along): a site's distribution is expanded along the missing
/// world dims, so a value shared by all worlds is counted once per selected world, as in ChiRho.
/// The selection replaces the world handler's own rule (factual world only) for the sites inside;
/// masks set by the model or by <c>Mask</c> handlers still apply.
/// </summary>
public abstract class WorldSelectionMessenger : Messenger
{
    /// <summary>Stage at which the site's own mask is read: after interventions, before the world handler masks worlds.</summary>
    private const int ReadStage = InterventionsMessenger.Stage;

    /// <summary>Stage at which the selection applies: after the world handler's mask, which it replaces.</summary>
    private const int SelectStage = WorldMessenger.MaskStage + 1;

    /// <summary>
    /// The entries kept, given <paramref name="factual"/>: true at the factual entry (index 0 of
    /// every world index), shaped like a batch shape with each world dim at its size.
    /// </summary>
    protected abstract Tensor Keep(Tensor factual);

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Tensor? ownMask = null;
        message.AfterValue(m => ownMask = m.Mask, ReadStage);
        message.AfterValue(m => Select(m, ownMask), SelectStage);
    }

    private void Select(Message message, Tensor? ownMask)
    {
        if (message.Distribution is not { } dist)
        {
            return;
        }

        var worlds = HandlerStack.Current.OfType<WorldMessenger>().LastOrDefault()?.Worlds ?? [];
        var keep = Keep(FactualEntry(worlds, dist.Device));
        message.Mask = ownMask is null ? keep : ownMask.logical_and(keep);
        if (!ShapeUtil.BroadcastsInto(keep.Shape(), dist.BatchShape))
        {
            // a value shared by the worlds gets one copy per world, so each selected world counts it
            message.Distribution = dist.Expand(ShapeUtil.Broadcast(dist.BatchShape, keep.Shape()));
        }
    }

    /// <summary>True at index 0 of every world dim; one entry (true) when there are no worlds.</summary>
    private static Tensor FactualEntry(IReadOnlyList<WorldDim> worlds, Device device)
    {
        int rank = worlds.Count == 0 ? 0 : worlds.Max(w => -w.Dim);
        var shape = Enumerable.Repeat(1L, rank).ToArray();
        foreach (var w in worlds)
        {
            shape[rank + w.Dim] = w.Size;
        }

        var mask = torch.zeros(shape, dtype: ScalarType.Bool, device: device);
        var corner = mask;
        foreach (var w in worlds)
        {
            corner = corner.narrow(rank + w.Dim, WorldDim.Factual, 1);
        }

        corner.fill_(true);
        return mask;
    }
}
