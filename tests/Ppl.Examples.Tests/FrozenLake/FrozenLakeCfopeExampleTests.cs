using Ppl.Examples;
using Ppl.Examples.FrozenLake;

namespace Ppl.Tests.Examples.FrozenLake;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class FrozenLakeCfopeExampleTests
{
    /// <summary>The smoke run's logged (and fresh) episodes (FrozenLakeCfopeExample: 100).</summary>
    private const int SmokeEpisodes = 100;

    [Fact]
    public void SmokeRunReportsEveryEstimateAndTheCounterfactualOneCoversTheExactValue()
    {
        string plot = Path.Combine(Path.GetTempPath(), $"frozenlake-cfope-{Guid.NewGuid():N}.png");
        try
        {
            using var output = new StringWriter();
            var extra = new Dictionary<string, string> { ["plot"] = plot };
            var result = new FrozenLakeCfopeExample().Run(new ExampleOptions(Seed: 1, Smoke: true, Extra: extra), output).Values;
            string text = output.ToString();

            double se = result["counterfactualSe"];
            Assert.True(se > 0);

            // returns are 0 or 1 (reward 1 at the goal only), so every per-episode mean lies in [0, 1]:
            // by Popoviciu the sample variance of n of them is at most n/(4(n − 1)), the error at most 1/(2√(n − 1))
            double ceiling = 1 / (2 * Math.Sqrt(SmokeEpisodes - 1));
            StandardErrorCeiling.Check(se, ceiling, "CF replay");
            StandardErrorCeiling.Check(result["freshSe"], ceiling, "fresh episodes");
            Assert.InRange(result["counterfactual"], result["exactTarget"] - (5 * se), result["exactTarget"] + (5 * se));
            Assert.InRange(result["fresh"], result["exactTarget"] - (5 * result["freshSe"]), result["exactTarget"] + (5 * result["freshSe"]));
            Assert.InRange(result["query.counterfactualHole"] + result["query.counterfactualGoal"], 0, 1);
            foreach (string row in new[] { "exact (DP)", "CF replay of the log", "ordinary IS", "per-decision IS", "weighted IS", "observed in the log", "What if?" })
            {
                Assert.Contains(row, text, StringComparison.Ordinal);
            }

            byte[] png = File.ReadAllBytes(plot);
            Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "the plot is not a PNG");
        }
        finally
        {
            File.Delete(plot);
        }
    }

    [Fact]
    public void ItIsInTheCatalogWithItsOwnOptions()
    {
        var example = ExampleCatalog.All.Single(e => e.Name == "frozenlake-cfope");
        Assert.Equal(["map", "episodes", "draws", "slippery", "plot"], example.Options.Select(o => o.Name));
        Assert.Throws<ArgumentException>(() => example.Run(
            new ExampleOptions(Smoke: true, Extra: new Dictionary<string, string> { ["map"] = "5x5" }), TextWriter.Null));
    }
}
