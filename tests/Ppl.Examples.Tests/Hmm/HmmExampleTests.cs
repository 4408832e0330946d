using Ppl.Examples;
using Ppl.Examples.Hmm;

namespace Ppl.Tests.Examples.Hmm;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class HmmExampleTests
{
    [Fact]
    public void SmokeRunDecodesTheChainAlmostAsWellAsTheTrueParameters()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-hmm-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var values = new HmmExample().Run(new ExampleOptions(Seed: 0, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir }), output).Values;

            // the means 2 and 2.5 apart with sd 0.9 and sticky states: Viterbi under the true parameters
            // gets about 95 % of 200 steps; the fitted model's path within 3 points of that
            Assert.Equal(200, values["length"]);
            Assert.InRange(values["ceiling accuracy"], 0.9, 1.0);
            Assert.True(values["accuracy"] >= values["ceiling accuracy"] - 0.03, $"Viterbi accuracy {values["accuracy"]} vs ceiling {values["ceiling accuracy"]}");
            // 200 steps pin the emissions down well and each transition row more loosely
            Assert.InRange(values["largest loc error"], 0, 0.35);
            Assert.InRange(values["scale"], 0.7, 1.1);
            Assert.InRange(values["largest transition error"], 0, 0.15);
            Assert.True(values["loss"] < values["first loss"], $"loss {values["first loss"]} -> {values["loss"]}");

            string text = output.ToString();
            Assert.Contains("Data (simulated)", text, StringComparison.Ordinal);
            Assert.Contains("(the ceiling)", text, StringComparison.Ordinal);
            Assert.Contains("transition[2,2]", text, StringComparison.Ordinal);
            foreach (var name in new[] { HmmExample.PathPicture, HmmExample.ParametersPicture })
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
}
