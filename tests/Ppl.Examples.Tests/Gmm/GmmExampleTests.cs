using Ppl.Examples;
using Ppl.Examples.Gmm;

namespace Ppl.Tests.Examples.Gmm;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class GmmExampleTests
{
    [Fact]
    public void SmokeRunEnumerationRecoversTheAssignmentsAndBeatsThePerPointGuide()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-gmm-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var values = new GmmExample().Run(new ExampleOptions(Seed: 0, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir }), output).Values;

            // components 5 and 6 sd apart: the true parameters misplace under 1 % of the points, and the
            // enumerated fit gets within a point or two of that, its means within 0.3 of the truth
            Assert.InRange(values["bayes accuracy"], 0.98, 1.0);
            Assert.InRange(values["enumerated accuracy"], 0.95, 1.0);
            Assert.True(values["enumerated accuracy"] >= values["bayes accuracy"] - 0.02, $"enumerated {values["enumerated accuracy"]} vs Bayes rule {values["bayes accuracy"]}");
            Assert.InRange(values["enumerated largest mean error"], 0, 0.3);
            Assert.InRange(values["enumerated scale"], 0.8, 1.2);
            // the per-point guide from the same start, same steps: a worse (higher) negative ELBO
            Assert.True(values["newcomer loss"] > values["enumerated loss"] + 10, $"losses: newcomer {values["newcomer loss"]}, enumerated {values["enumerated loss"]}");
            Assert.True(values["enumerated ms per step"] > 0 && values["newcomer ms per step"] > 0);

            string text = output.ToString();
            Assert.Contains("Data (simulated)", text, StringComparison.Ordinal);
            Assert.Contains("true parameters (Bayes rule)", text, StringComparison.Ordinal);
            foreach (var name in new[] { GmmExample.FitPicture, GmmExample.LossPicture })
            {
                var png = Path.Combine(outDir, name);
                Assert.True(File.Exists(png), png);
                Assert.True(new FileInfo(png).Length > 10_000, $"{png}: {new FileInfo(png).Length} bytes");
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
    public void TheBestRelabellingUndoesLabelSwitching()
    {
        long[] truth = [0, 0, 1, 1, 2, 2];
        long[] swapped = [2, 2, 0, 0, 1, 0];
        var (map, accuracy) = LabelMatching.Best(swapped, truth, 3);
        Assert.Equal([1, 2, 0], map);
        Assert.Equal(5.0 / 6, accuracy, 12);
    }
}
