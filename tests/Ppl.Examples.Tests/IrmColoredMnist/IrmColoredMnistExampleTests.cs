using Ppl.Examples;
using Ppl.Examples.IrmColoredMnist;

namespace Ppl.Tests.Examples.IrmColoredMnist;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class IrmColoredMnistExampleTests
{
    [Fact]
    public void SmokeRunErmLearnsTheColourAndFailsAtTest()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-irm-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var options = new ExampleOptions(Seed: 0, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir });
            var values = new IrmColoredMnistExample().Run(options, output).Values;

            // the issue's smoke criterion: 2 environments of 2,000 images, h = 64, 60 steps
            Assert.True(values["ERM train"] > 0.75, $"ERM train accuracy {values["ERM train"]:P1}");
            Assert.True(values["ERM test"] < 0.4, $"ERM test accuracy {values["ERM test"]:P1}");
            Assert.True(values["grayscale oracle test"] > 0.6, $"the colour-blind classifier's test accuracy {values["grayscale oracle test"]:P1}");

            string text = output.ToString();
            Assert.Contains("paper train", text, StringComparison.Ordinal);
            Assert.Contains("IRM", text, StringComparison.Ordinal);
            foreach (string png in new[] { "accuracy.png", "penalty.png" })
            {
                var file = new FileInfo(Path.Combine(outDir, png));
                Assert.True(file.Exists && file.Length > 10_000, $"{png} is missing or nearly empty");
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
