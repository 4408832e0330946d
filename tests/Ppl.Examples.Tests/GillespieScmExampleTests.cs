using Ppl.Examples;
using Ppl.Examples.GillespieScm;

namespace Ppl.Tests;

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
            Assert.Contains("| intervention → target, regime |", text, StringComparison.Ordinal);
            var pngs = Directory.GetFiles(outDir, "*.png");
            Assert.Equal(4, pngs.Length);
            Assert.All(pngs, p => Assert.True(new FileInfo(p).Length > 10_000, $"{p} is nearly empty"));
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
