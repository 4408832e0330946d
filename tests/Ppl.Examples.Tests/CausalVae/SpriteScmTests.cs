using Ppl.Examples.CausalVae;
using Ppl.Testing;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.CausalVae;

/// <summary>
/// Units drawn by Gumbel-max from the sprite SCM against the exact distributions its logits define:
/// the shape marginal, scale and orientation given each shape, and the marginals of posX and posY,
/// which chain two mechanisms each (computed exactly by summing over the parents).
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
public sealed class SpriteScmTests
{
    private const long Units = 60_000;

    [Fact]
    public void DrawsFollowTheMechanismsProbabilities()
    {
        using var d = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        var f = SpriteScm.Sample(Units, generator);
        Assert.Equal([Units, 5L], f.shape);
        Assert.True(SpriteGrid.UnitIndices(f).lt(SpriteGrid.Count).all().item<bool>());

        var shapes = arange(3, dtype: int64);
        var pShape = SpriteScm.ShapeLogits().softmax(-1);
        AssertFrequencies("shape", f[.., 0], pShape, Units);

        var pScale = SpriteScm.ScaleLogits(shapes).softmax(-1);             // [3, 6]
        var pOrientation = SpriteScm.OrientationLogits(shapes).softmax(-1); // [3, 40]
        for (long s = 0; s < 3; s++)
        {
            var rows = f[f[.., 0].eq(s)];
            AssertFrequencies($"scale | shape {s}", rows[.., 1], pScale[s], rows.shape[0]);
            AssertFrequencies($"orientation | shape {s}", rows[.., 2], pOrientation[s], rows.shape[0]);
        }

        // posX depends on shape only through orientation, posY only through scale
        var pOrientationMarginal = pShape.matmul(pOrientation);                                        // [40]
        var pPosX = pOrientationMarginal.matmul(SpriteScm.PosXLogits(arange(40, dtype: int64)).softmax(-1)); // [32]
        var pScaleMarginal = pShape.matmul(pScale);                                                    // [6]
        var pPosY = pScaleMarginal.matmul(SpriteScm.PosYLogits(arange(6, dtype: int64)).softmax(-1));  // [32]
        AssertFrequencies("posX", f[.., 3], pPosX, Units);
        AssertFrequencies("posY", f[.., 4], pPosY, Units);

        // the story shows: hearts are bigger than squares, and upright hearts outnumber upside-down ones
        Assert.True(pScale[2, 4].item<double>() > 5 * pScale[0, 4].item<double>());
        Assert.True(pOrientation[2, 0].item<double>() > 50 * pOrientation[2, 20].item<double>());
    }

    /// <summary>Every category's frequency within 4.5 binomial standard errors (plus 0.002) of its probability.</summary>
    private static void AssertFrequencies(string what, Tensor draws, Tensor probabilities, long n)
    {
        long k = probabilities.shape[0];
        var counts = draws.bincount(null, k).to(float64);
        var p = probabilities.to(float64);
        var freq = counts.div(n);
        var bound = p.mul(p.neg().add(1)).div(n).sqrt().mul(4.5).add(0.002);
        var worst = freq.sub(p).abs().sub(bound).max().item<double>();
        Assert.True(worst <= 0, $"{what}: a frequency is {worst:G3} beyond its bound (n = {n})");
    }
}
