using Ppl.Examples;
using Ppl.Examples.BnnRegression;

namespace Ppl.Tests.Examples.BnnRegression;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class BnnRegressionExampleTests
{
    [Fact]
    public void SmokeRunFitsTheDataAndItsBandsWidenInTheGapAndBeyondTheData()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-bnn-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var values = new BnnRegressionExample().Run(new ExampleOptions(Seed: 1, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir }), output).Values;

            // where the data are dense the band is about the noise's 5–95% range (2·1.645·0.2 = 0.66)
            // plus the function's uncertainty, and the mean follows the true function
            Assert.InRange(values["bandDense"], 0.66, 1.6);
            Assert.True(values["rmseDense"] < 0.3, $"RMSE {values["rmseDense"]}");
            Assert.True(values["bandGap"] > 1.5 * values["bandDense"], $"gap band {values["bandGap"]} vs dense {values["bandDense"]}");
            Assert.True(values["bandFar"] > 1.25 * values["bandDense"], $"far band {values["bandFar"]} vs dense {values["bandDense"]}");

            var png = Path.Combine(outDir, "bnn-regression.png");
            Assert.True(File.Exists(png));
            Assert.True(new FileInfo(png).Length > 10_000);
            Assert.Contains("in the gap", output.ToString(), StringComparison.Ordinal);
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
