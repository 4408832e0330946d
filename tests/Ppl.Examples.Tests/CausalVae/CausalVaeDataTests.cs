using Ppl.Examples.CausalVae;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.CausalVae;

/// <summary>The held-out split: no training unit shares a grid cell with a held-out unit, and both sets keep their sizes and seeds.</summary>
public sealed class CausalVaeDataTests
{
    [Fact]
    public void NoTrainingUnitSharesAHeldOutUnitsCell()
    {
        using var scope = NewDisposeScope();
        // 20,000 draws from the SCM hit the cells of 2,000 held-out draws many times; every such draw must go
        var (train, test) = CausalVaeData.Split(20_000, 2_000, seed: 4);
        var plain = SpriteScm.Sample(20_000, new Generator(4));
        var testCells = SpriteGrid.UnitIndices(test).data<long>().ToHashSet();
        long plainHits = SpriteGrid.UnitIndices(plain).data<long>().Count(testCells.Contains);

        Assert.Equal([20_000L, 5L], train.shape);
        Assert.Equal([2_000L, 5L], test.shape);
        Assert.True(plainHits > 100, $"the check needs draws that hit held-out cells; only {plainHits} did");
        Assert.DoesNotContain(SpriteGrid.UnitIndices(train).data<long>().ToArray(), testCells.Contains);
        Assert.True(test.eq(SpriteScm.Sample(2_000, new Generator(5))).all().item<bool>(), "the held-out units are the SCM's draws from seed + 1");
    }
}
