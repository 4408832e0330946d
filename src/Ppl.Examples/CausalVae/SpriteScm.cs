using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// The causal story over the dSprites factors (the course's DAG): shape → scale, shape → orientation,
/// orientation → posX, scale → posY, every factor → image. Each factor is a categorical mechanism
/// over its grid indices, X = argmax(logits(parents) + g) with independent standard Gumbel noise g
/// (<see cref="GumbelMax"/>), so a unit's noise fixes all its factors and counterfactuals keep it.
/// </summary>
/// <remarks>
/// The choices (docs/examples/causal-vae.md, "The causal story"): shapes are equally likely;
/// squares are small, ellipses middling and hearts big (scale index around 1, 2.5 and 4, a discretized
/// normal of spread 1.2 on the index); hearts are mostly upright (κ = 3 towards angle 0 on the circle),
/// ellipses lean towards lying flat (κ = 1 towards 0 and π), squares take any angle; the more a sprite
/// is turned the further right it sits (posX index around 31·(0.2 + 0.6·θ/2π), spread 6); the bigger it
/// is the lower it sits (posY index around 31·(0.25 + 0.5·scale index/5), spread 6). Strong enough to see
/// in the data, loose enough that every grid cell stays possible (no logit is −∞).
/// </remarks>
public static class SpriteScm
{
    private static readonly double[] ScaleMode = [1.0, 2.5, 4.0];

    /// <summary>Logits of shape [3] for the shape (uniform).</summary>
    public static Tensor ShapeLogits(Device? device = null) => zeros(3, dtype: ScalarType.Float64, device: device);

    /// <summary>Logits [..., 6] of the scale index given shape indices of any shape [...] (e.g. [worlds, n] in a twin-world run).</summary>
    public static Tensor ScaleLogits(Tensor shape)
    {
        using var scope = NewDisposeScope();
        // advanced indexing rather than index_select, which has no meta kernel
        var mode = tensor(ScaleMode, dtype: ScalarType.Float64, device: shape.device).index(TensorIndex.Tensor(shape)).unsqueeze(-1);
        return DiscreteNormal(mode, 1.2, SpriteGrid.Sizes[1], shape.device).MoveToOuterDisposeScope();
    }

    /// <summary>Logits [..., 40] of the orientation index given shape indices [...].</summary>
    public static Tensor OrientationLogits(Tensor shape)
    {
        using var scope = NewDisposeScope();
        var angles = arange(SpriteGrid.Sizes[2], dtype: ScalarType.Float64, device: shape.device).mul(SpriteGrid.Orientation(1));
        var s = shape.unsqueeze(-1);
        var heart = angles.cos().mul(3.0);           // upright, κ = 3
        var ellipse = angles.mul(2).cos();           // flat, period π, κ = 1
        var isHeart = s.eq((long)SpriteShape.Heart).to(ScalarType.Float64);
        var isEllipse = s.eq((long)SpriteShape.Ellipse).to(ScalarType.Float64);
        return heart.mul(isHeart).add(ellipse.mul(isEllipse)).MoveToOuterDisposeScope(); // squares: 0, uniform
    }

    /// <summary>Logits [..., 32] of the posX index given orientation indices [...].</summary>
    public static Tensor PosXLogits(Tensor orientation)
    {
        using var scope = NewDisposeScope();
        var mode = orientation.to(ScalarType.Float64).div(39).mul(0.6).add(0.2).mul(31).unsqueeze(-1);
        return DiscreteNormal(mode, 6.0, SpriteGrid.Sizes[3], orientation.device).MoveToOuterDisposeScope();
    }

    /// <summary>Logits [..., 32] of the posY index given scale indices [...].</summary>
    public static Tensor PosYLogits(Tensor scale)
    {
        using var scope = NewDisposeScope();
        var mode = scale.to(ScalarType.Float64).div(5).mul(0.5).add(0.25).mul(31).unsqueeze(-1);
        return DiscreteNormal(mode, 6.0, SpriteGrid.Sizes[4], scale.device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="count"/> units drawn from the SCM: factor indices [count, 5] in
    /// <see cref="SpriteGrid"/> order, each factor by Gumbel-max from its parents' logits. This is how
    /// the example resamples the grid so the data are entailed by the SCM.
    /// </summary>
    public static Tensor Sample(long count, Generator? generator = null, Device? device = null)
    {
        using var scope = NewDisposeScope();
        Tensor Draw(Tensor logits) => GumbelMax.Apply(logits, GumbelMax.SamplePrior(logits, generator: generator));
        var shape = Draw(ShapeLogits(device).expand(count, 3));
        var scale = Draw(ScaleLogits(shape));
        var orientation = Draw(OrientationLogits(shape));
        var posX = Draw(PosXLogits(orientation));
        var posY = Draw(PosYLogits(scale));
        return stack([shape, scale, orientation, posX, posY], 1).MoveToOuterDisposeScope();
    }

    /// <summary>−(k − mode)² / (2σ²) for k = 0 … size − 1 along a new last dim of <paramref name="mode"/> [..., 1]: a normal discretized on the index.</summary>
    private static Tensor DiscreteNormal(Tensor mode, double sigma, int size, Device device) =>
        arange(size, dtype: ScalarType.Float64, device: device).sub(mode).square().div(-2 * sigma * sigma);
}
