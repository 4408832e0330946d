using Ppl.Causal.SchemaNetworks;
using Ppl.Examples;
using Ppl.Examples.SchemaNetworkBreakout;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.SchemaNetworkBreakout;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class SchemaNetworkExampleTests(ITestOutputHelper log)
{
    [Fact]
    public void SmokeRunLearnsPlansQueriesAndWritesFrames()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-schema-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var options = new ExampleOptions(Seed: 0, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir });
            var values = new SchemaNetworkExample().Run(options, output).Values;
            log.WriteLine(output.ToString());
            Assert.InRange(values["schemas"], 1, 2 * values["hand-written schemas"]);
            Assert.True(values["Standard attribute accuracy"] >= 0.99, $"smoke accuracy {values["Standard attribute accuracy"]:P3}\n{output}");
            Assert.Contains("IF ", output.ToString(), StringComparison.Ordinal);
            Assert.Contains(" THEN ", output.ToString(), StringComparison.Ordinal);
            foreach (string layout in new[] { "standard", "offsetpaddle", "middlewall" })
            {
                var file = new FileInfo(Path.Combine(outDir, $"planned-{layout}.png"));
                Assert.True(file.Exists && file.Length > 1_000, $"planned-{layout}.png is missing or nearly empty");
            }
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    [Fact]
    public void PlanningWithLearnedSchemasKeepsTheBallInPlayOnEveryLayout()
    {
        // the acceptance runs on fewer episodes: MPC with schemas learned from 2,000 standard transitions
        using var scope = NewDisposeScope();
        var network = SchemaLearner.Learn(BreakoutData.Grid, MiniBreakout.Actions, MiniBreakout.Rewards, BreakoutData.RandomPolicy(BreakoutLayout.Standard, 2000, seed: 1), BreakoutData.LearnerOptions);
        var agent = new BreakoutPlanningAgent(network, horizon: 12, missValue: -10);
        foreach (var layout in new[] { BreakoutLayout.Standard, BreakoutLayout.OffsetPaddle, BreakoutLayout.MiddleWall })
        {
            var random = new Random(11);
            for (int e = 0; e < 1; e++)
            {
                var outcome = BreakoutEpisode.Play(layout, agent.Act, random, maxSteps: 200);
                log.WriteLine($"{layout} episode {e}: {outcome}");
                Assert.True(outcome.Success, $"{layout} episode {e}: {outcome}");
            }
        }
    }

    [Fact]
    public void QueriesOnTheLearnedProgramAgreeWithTheEnvironmentRunWithTheChangeMade()
    {
        using var scope = NewDisposeScope();
        var network = SchemaLearner.Learn(BreakoutData.Grid, MiniBreakout.Actions, MiniBreakout.Rewards, BreakoutData.RandomPolicy(BreakoutLayout.Standard, 2000, seed: 1), BreakoutData.LearnerOptions);
        var start = MiniBreakout.Reset(BreakoutLayout.Standard, new Random(QueryReport.InterventionSeed));

        var (_, observed, intervened, trueObserved, trueIntervened) = BreakoutQueries.RemoveBrick(network, start, QueryReport.Steps, 40, 1);
        Assert.NotEqual(trueObserved, trueIntervened);
        Assert.True(Math.Abs(observed.Value - (trueObserved ? 1 : 0)) < 0.1, $"as observed: P(miss) {observed.Value}, environment {trueObserved}");
        Assert.True(Math.Abs(intervened.Value - (trueIntervened ? 1 : 0)) < 0.1, $"do(brick gone): P(miss) {intervened.Value}, environment {trueIntervened}");

        int paddle = MiniBreakout.FindPaddle(start).Column;
        var moved = BreakoutQueries.MovePaddle(network, start, [paddle - 2, paddle + 3], QueryReport.Steps, 40, 2);
        Assert.Contains(moved, m => m.TrueMiss);
        Assert.Contains(moved, m => !m.TrueMiss);
        foreach (var (column, miss, truth) in moved)
        {
            Assert.True(Math.Abs(miss.Value - (truth ? 1 : 0)) < 0.1, $"do(paddle at {column}): P(miss) {miss.Value}, environment {truth}");
        }

        var counterfactualStart = MiniBreakout.Reset(BreakoutLayout.Standard, new Random(QueryReport.CounterfactualSeed));
        var stay = Enumerable.Repeat(MiniBreakout.Stay, QueryReport.Steps).ToArray();
        var (counterfactual, factualMiss, trueMiss) = BreakoutQueries.PaddleOneLeft(network, counterfactualStart, stay, 40, 3);
        Assert.False(factualMiss, "the factual ball is caught");
        Assert.True(trueMiss, "one cell left, the environment misses it");
        Assert.True(counterfactual.Value > 0.9, $"counterfactual P(miss) {counterfactual.Value}");
    }
}
