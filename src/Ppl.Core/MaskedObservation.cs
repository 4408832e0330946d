using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// Pyro's <c>sample(name, d, obs=…, obs_mask=…)</c>: a site observed only where a boolean mask is
/// true. It becomes two sample sites, <c>{name}_observed</c> (the observation, log-density masked
/// by the mask) and <c>{name}_unobserved</c> (a draw for every entry, log-density masked by the
/// mask's negation; guides must provide it), and a deterministic site <c>{name}</c> holding the
/// observation where the mask is true and the draw elsewhere.
/// </summary>
internal static class MaskedObservation
{
    /// <summary>The suffix of the observed half's site name.</summary>
    public const string ObservedSuffix = "_observed";

    /// <summary>The suffix of the latent half's site name.</summary>
    public const string UnobservedSuffix = "_unobserved";

    /// <exception cref="ArgumentException">The mask is not boolean, or its shape does not broadcast into the site's batch shape.</exception>
    public static Tensor Sample(string name, Distribution distribution, Tensor? obs, Tensor obsMask, InferConfig? infer)
    {
        if (obsMask.dtype != ScalarType.Bool)
        {
            throw new ArgumentException(
                $"Sample '{name}': obsMask must be a bool tensor (true = observed), got {obsMask.dtype} of shape {ShapeUtil.Format(obsMask.Shape())}.",
                nameof(obsMask));
        }

        Tensor observed;
        using (new MaskMessenger(obsMask).Install())
        {
            observed = Primitives.Sample(name + ObservedSuffix, distribution, obs, infer);
        }

        Tensor unobserved;
        using (new MaskMessenger(obsMask.bitwise_not()).Install())
        {
            unobserved = Primitives.Sample(name + UnobservedSuffix, distribution, null, infer);
        }

        int eventDim = distribution.EventShape.Length;
        long[] drawShape = unobserved.Shape();
        long[] batchShape = drawShape[..(drawShape.Length - eventDim)];
        if (!ShapeUtil.BroadcastsInto(obsMask.Shape(), batchShape))
        {
            // Pyro raises "Invalid obs_mask shape" here too (from torch.where); the mask may not add or resize batch dims
            throw new ArgumentException(
                $"Sample '{name}': invalid obsMask shape {ShapeUtil.Format(obsMask.Shape())}; it must broadcast to the site's batch shape {ShapeUtil.Format(batchShape)} " +
                $"(the event shape {ShapeUtil.Format(drawShape.AsSpan(drawShape.Length - eventDim))} is observed or missing as a whole: one mask entry per event).",
                nameof(obsMask));
        }

        return Primitives.Deterministic(name, Interleave(observed, unobserved, obsMask, eventDim), eventDim);
    }

    /// <summary>
    /// The observation where the mask is true, the draw elsewhere. Built from masked_fill and add,
    /// not where: it runs on the meta device, and a NaN or ±∞ placeholder in a missing entry of
    /// the observation does not leak into the result.
    /// </summary>
    private static Tensor Interleave(Tensor observed, Tensor unobserved, Tensor obsMask, int eventDim)
    {
        var mask = obsMask.reshape([.. obsMask.Shape(), .. Enumerable.Repeat(1L, eventDim)]);
        long[] shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(observed.Shape(), unobserved.Shape()), mask.Shape());
        var keep = mask.expand(shape);
        var dtype = promote_types(observed.dtype, unobserved.dtype);
        var fromObserved = observed.to(dtype).expand(shape).masked_fill(keep.bitwise_not(), 0.0);
        var fromDraw = unobserved.to(dtype).expand(shape).masked_fill(keep, 0.0);
        return fromObserved.add(fromDraw);
    }
}
