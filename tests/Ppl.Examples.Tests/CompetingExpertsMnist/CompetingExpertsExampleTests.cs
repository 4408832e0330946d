using Ppl.Examples;
using Ppl.Examples.CompetingExpertsMnist;

namespace Ppl.Tests.Examples.CompetingExpertsMnist;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class CompetingExpertsExampleTests
{
    [Fact]
    public void SmokeRunGivesEachMechanismItsOwnExpert()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-experts-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var options = new ExampleOptions(Seed: 0, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir });
            var values = new CompetingExpertsExample().Run(options, output).Values;

            // the issue's smoke criterion: inversion and a right shift, 2 experts of 16 filters, 60
            // iterations, 2,000 digits: each mechanism's examples won ≥ 80% by a different expert
            Assert.Equal(1, values["one-to-one runs"]);
            Assert.True(values["weakest share"] >= 0.8, $"weakest share {values["weakest share"]:F2}\n{output}");
            Assert.True(values["routed accuracy"] > values["transformed accuracy"], $"routing should help the classifier\n{output}");

            foreach (string png in new[] { "wins-start.png", "wins-end.png", "accuracy.png", "grid.png" })
            {
                var file = new FileInfo(Path.Combine(outDir, png));
                Assert.True(file.Exists && file.Length > 1_000, $"{png} is missing or nearly empty");
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
