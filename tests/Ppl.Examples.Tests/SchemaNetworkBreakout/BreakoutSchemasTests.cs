using Ppl.Causal.SchemaNetworks;
using Ppl.Examples.SchemaNetworkBreakout;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.SchemaNetworkBreakout;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class BreakoutSchemasTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void TheHandWrittenSchemasPredictEveryTransitionOfEveryLayout(int layoutNumber)
    {
        var layout = (BreakoutLayout)layoutNumber;
        using var scope = NewDisposeScope();
        var data = BreakoutData.RandomPolicy(layout, 1500, seed: 3);
        var network = new SchemaNetwork(BreakoutData.Grid, MiniBreakout.Actions, MiniBreakout.Rewards, HandWrittenSchemas.All);
        var (next, rewards) = network.Predict(data.States, data.Actions);
        var wrong = next.ne(data.NextStates).any(dim: 1).flatten(1).any(dim: 1).nonzero().flatten();
        if (wrong.shape[0] > 0)
        {
            int t = (int)wrong[0].item<long>();
            var diff = next[t].ne(data.NextStates[t]).nonzero();
            Assert.Fail($"{wrong.shape[0]} of 1500 transitions mispredicted; first {t}: action {data.Actions[t].item<long>()}, cells (attribute, row, column) {diff.str()}");
        }

        Assert.True(rewards.eq(data.Rewards).all().item<bool>(), "rewards mispredicted");
        Assert.True(data.Rewards.sum([0L]).min().item<float>() > 0, "both rewards occur in the data");
    }

    [Fact]
    public void LearnedSchemasPredictHeldOutTransitions()
    {
        using var scope = NewDisposeScope();
        var train = BreakoutData.RandomPolicy(BreakoutLayout.Standard, 2000, seed: 1);
        var test = BreakoutData.RandomPolicy(BreakoutLayout.Standard, 1000, seed: 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var network = SchemaLearner.Learn(BreakoutData.Grid, MiniBreakout.Actions, MiniBreakout.Rewards, train);
        log.WriteLine($"learned {network.Schemas.Count} schemas in {clock.Elapsed.TotalSeconds:F1} s (hand-written {HandWrittenSchemas.All.Count})");
        foreach (var s in network.Schemas)
        {
            log.WriteLine(s.Describe(BreakoutData.Grid, MiniBreakout.Actions, MiniBreakout.Rewards));
        }

        var (next, rewards) = network.Predict(test.States, test.Actions);
        double bits = next.eq(test.NextStates).to_type(ScalarType.Float64).mean().item<double>();
        double changed = next.eq(test.NextStates).logical_or(test.States.eq(test.NextStates)).logical_not().sum().item<long>();
        double rewardAccuracy = rewards.eq(test.Rewards).to_type(ScalarType.Float64).mean().item<double>();
        double transitions = next.eq(test.NextStates).flatten(1).all(dim: 1).to_type(ScalarType.Float64).mean().item<double>();
        log.WriteLine($"attribute accuracy {bits:P3}, whole transitions {transitions:P2}, rewards {rewardAccuracy:P3}");
        foreach (var layout in new[] { BreakoutLayout.OffsetPaddle, BreakoutLayout.MiddleWall })
        {
            var variant = BreakoutData.RandomPolicy(layout, 1000, seed: 4);
            var (variantNext, variantRewards) = network.Predict(variant.States, variant.Actions);
            double variantBits = variantNext.eq(variant.NextStates).to_type(ScalarType.Float64).mean().item<double>();

            // zero-shot: rules about what acts ("paddle here", "no solid ahead") rather than what happened to
            // hold in the standard layout ("floor here", "no brick ahead") keep the error to a few cells
            Assert.True(variantBits >= 0.9999, $"{layout}: zero-shot attribute accuracy {variantBits:P4} (at least 99.99%)");
            log.WriteLine($"{layout}: attribute accuracy {variantBits:P3}, whole transitions {variantNext.eq(variant.NextStates).flatten(1).all(dim: 1).to_type(ScalarType.Float64).mean().item<double>():P2}, rewards {variantRewards.eq(variant.Rewards).to_type(ScalarType.Float64).mean().item<double>():P3}");
        }

        Assert.True(bits >= 0.995, $"held-out attribute accuracy {bits:P3} (acceptance: at least 99.5%)");
        Assert.Equal(1.0, rewardAccuracy);
        Assert.InRange(network.Schemas.Count, 1, 2 * HandWrittenSchemas.All.Count);
    }
}
