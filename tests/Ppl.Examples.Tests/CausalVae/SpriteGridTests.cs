using Ppl.Examples.CausalVae;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.CausalVae;

/// <summary>The factor grid: its size, its ends, its value ladders, and that unit and factor indices are inverse.</summary>
public sealed class SpriteGridTests
{
    [Fact]
    public void TheGridHasEveryCombinationOnce()
    {
        Assert.Equal(737_280L, SpriteGrid.Count);
        Assert.Equal(SpriteGrid.Count, SpriteGrid.Sizes.Aggregate(1L, (a, b) => a * b));
    }

    [Fact]
    public void FactorAndUnitIndicesAreInverse()
    {
        using var d = NewDisposeScope();
        var units = cat([tensor(new[] { 0L, 1L, 31L, 32L, SpriteGrid.Count - 1 }), randint(0, SpriteGrid.Count, 500, dtype: int64)]);
        var factors = SpriteGrid.FactorIndices(units);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0 }, factors[0].data<long>().ToArray());
        Assert.Equal(new long[] { 0, 0, 0, 0, 1 }, factors[1].data<long>().ToArray()); // posY fastest, as dSprites orders its images
        Assert.Equal(new long[] { 0, 0, 0, 1, 0 }, factors[3].data<long>().ToArray());
        Assert.Equal(new long[] { 2, 5, 39, 31, 31 }, factors[4].data<long>().ToArray());
        Assert.True(SpriteGrid.UnitIndices(factors).eq(units).all().item<bool>());
    }

    [Fact]
    public void ValueLaddersSpanTheDSpritesRanges()
    {
        Assert.Equal(0.5, SpriteGrid.Scale(0), 12);
        Assert.Equal(1.0, SpriteGrid.Scale(5), 12);
        Assert.Equal(0.0, SpriteGrid.Orientation(0), 12);
        Assert.Equal(2 * Math.PI, SpriteGrid.Orientation(39), 12);
        Assert.Equal(0.0, SpriteGrid.Position(0), 12);
        Assert.Equal(1.0, SpriteGrid.Position(31), 12);
    }

    [Fact]
    public void IndicesOutsideTheGridAreRefused()
    {
        using var d = NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => SpriteGrid.FactorIndices(tensor(new[] { SpriteGrid.Count })));
        Assert.Throws<ArgumentException>(() => SpriteGrid.FactorIndices(tensor(new[] { 1.0f })));
    }
}
