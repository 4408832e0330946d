using System.Collections.Immutable;
using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// What an autoguide learned about one latent site of the model from its prototype run. Shapes
/// are full size: a dim that a subsampled plate shrank holds the plate's full size here.
/// </summary>
/// <param name="Name">The site's name.</param>
/// <param name="Shape">The constrained value's full shape, <c>BatchShape + EventShape</c>.</param>
/// <param name="EventDim">The number of event dims of the site's distribution.</param>
/// <param name="Support">The site's support (the constraint its values live in).</param>
/// <param name="Transform">The bijection from unconstrained reals onto <paramref name="Support"/>.</param>
/// <param name="UnconstrainedShape">The full shape of the value in unconstrained space.</param>
/// <param name="UnconstrainedEventDim">The number of event dims in unconstrained space.</param>
/// <param name="Plates">The vectorized plates around the site, outermost first.</param>
/// <param name="DType">The value's dtype.</param>
/// <param name="Device">The value's device.</param>
public sealed record LatentSite(
    string Name,
    long[] Shape,
    int EventDim,
    Constraint Support,
    Transform Transform,
    long[] UnconstrainedShape,
    int UnconstrainedEventDim,
    ImmutableArray<PlateFrame> Plates,
    ScalarType DType,
    Device Device)
{
    /// <summary>
    /// The model site's log-density mask (from <c>obsMask</c> or a mask handler) as the prototype
    /// saw it, or null. The guide scores its draw under the same mask: entries the model gives no
    /// density must not enter the guide's either, or the ELBO rewards their entropy without bound.
    /// </summary>
    public Tensor? Mask { get; init; }

    /// <summary>False when the model masked the whole site out.</summary>
    public bool MaskAll { get; init; } = true;

    /// <summary>True when the model masks some or all of the site's log-density.</summary>
    public bool IsMasked => Mask is not null || !MaskAll;

    /// <summary>True when some plate around the site draws a subsample.</summary>
    public bool IsSubsampled => Plates.Any(p => p.SubsampleSize < p.Size);

    /// <summary>True when the support is all of ℝⁿ, so no transform is needed.</summary>
    public bool IsReal => Unwrap(Support) is RealConstraint;

    /// <summary>The number of entries of the unconstrained value.</summary>
    public long UnconstrainedNumel => UnconstrainedShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// The axis of <paramref name="frame"/>'s dim in a tensor of rank <paramref name="rank"/> whose
    /// rightmost <paramref name="eventDim"/> dims are event dims; negative when the tensor does not reach it.
    /// </summary>
    public static long PlateAxis(PlateFrame frame, long rank, int eventDim)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return rank + frame.Dim!.Value - eventDim;
    }

    private static Constraint Unwrap(Constraint c) => c is IndependentConstraint i ? Unwrap(i.Base) : c;
}
