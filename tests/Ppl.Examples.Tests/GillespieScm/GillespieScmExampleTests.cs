using Ppl.Examples;
using Ppl.Examples.GillespieScm;

namespace Ppl.Tests.Examples.GillespieScm;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class GillespieScmExampleTests
{
    [Fact]
    public void SmokeRunPrintsTheTableWritesThePlotsAndAgreesWhereTheoryExpects()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-gillespie-scm-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var options = new ExampleOptions(Seed: 1, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir });
            var values = new GillespieScmExample().Run(options, output).Values;

            // do(X2 = 4) → X3 must match the SCM's Binomial(50, 2/3), mean 33.33, within 5 standard errors
            const string exact = "do(X2 = 4) → X3, base rates";
            Assert.Equal(50 * 2.0 / 3, values[exact + ": scmMean"], 9);

            // the reported error is √(simulated variance / cells): at most the Binomial's √(50·⅔·⅓ / 300)
            // (300 cells in the smoke run) raised by the sample sd's own error
            const double p = 2.0 / 3, cells = 300;
            StandardErrorCeiling.Check(values[exact + ": se"], StandardErrorCeiling.OfMean(50 * p * (1 - p), cells, 3 + ((1 - (6 * p * (1 - p))) / (50 * p * (1 - p)))), exact);
            Assert.InRange(values[exact + ": simMean"], values[exact + ": scmMean"] - (5 * values[exact + ": se"]), values[exact + ": scmMean"] + (5 * values[exact + ": se"]));

            // the fast-X2 row: the simulated variance is far below the SCM's (X3 averages X2's fluctuations)
            const string fast = "do(X1 = 5) → X3, fast X2 (×20)";
            Assert.True(values[fast + ": simVar"] < 0.5 * values[fast + ": scmVar"]);
            Assert.True(values[fast + ": simMean"] > values[fast + ": scmMean"]);

            // the counterfactual: 25 + Binomial(25, 0.5) has mean 37.5
            Assert.Equal(37.5, values["counterfactual: exact"], 9);
            StandardErrorCeiling.Check(values["counterfactual: se"], StandardErrorCeiling.OfMean(25 * 0.5 * 0.5, 20_000), "counterfactual");
            Assert.InRange(values["counterfactual: mean"], 37.5 - (5 * values["counterfactual: se"]), 37.5 + (5 * values["counterfactual: se"]));

            string text = output.ToString();
            Assert.Contains("| do() → target | regime |", text, StringComparison.Ordinal);
            // the tables fit a terminal, and every abbreviation in them is explained below them
            Assert.All(text.Split(Environment.NewLine).Where(l => l.StartsWith('|')), l => Assert.True(l.Length <= 110, $"table line of {l.Length} characters: {l}"));
            Assert.Contains("TV: total variation distance", text, StringComparison.Ordinal);
            Assert.Contains("expected close:", text, StringComparison.Ordinal);
            Assert.Contains("Gillespie vs SCM: done in ", text, StringComparison.Ordinal);
            var pngs = Directory.GetFiles(outDir, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(
                ["equilibrium-do-x1-5-x3-fast-x2-20.png", "equilibrium-do-x2-4-x3-base-rates.png", "trajectory-do-x2-4.png", "trajectory-observational.png"],
                pngs);
            Assert.All(pngs, p => Assert.True(new FileInfo(Path.Combine(outDir, p!)).Length > 10_000, $"{p} is nearly empty"));
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}
