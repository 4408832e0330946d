using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>Intersection over union of binary images, the measure the causal VAE's acceptance uses.</summary>
internal static class Iou
{
    /// <summary>
    /// Per image: |a ∧ b| / |a ∨ b| of <paramref name="a"/> and <paramref name="b"/> (boolean or 0/1 images
    /// of the same shape [..., pixels]); 1 where both are empty, as two empty images agree.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor PerImage(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.shape.SequenceEqual(b.shape) || a.dim() == 0)
        {
            throw new ArgumentException(
                $"Iou.PerImage: both images must have the same shape [..., pixels]; got {Distributions.ShapeUtil.Format(a.shape)} and {Distributions.ShapeUtil.Format(b.shape)}.",
                nameof(b));
        }

        using var scope = NewDisposeScope();
        var x = a.to(ScalarType.Bool);
        var y = b.to(ScalarType.Bool);
        var intersection = x.logical_and(y).sum([-1L], type: ScalarType.Float64);
        var union = x.logical_or(y).sum([-1L], type: ScalarType.Float64);
        return intersection.add(union.eq(0).to(ScalarType.Float64)).div(union.clamp_min(1)).MoveToOuterDisposeScope();
    }
}
