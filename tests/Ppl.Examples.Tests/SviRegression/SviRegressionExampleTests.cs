using Ppl.Examples;
using Ppl.Examples.SviRegression;

namespace Ppl.Tests.Examples.SviRegression;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class SviRegressionExampleTests
{
    [Fact]
    public void SmokeRunStopsEarlyAndRecoversTheCoefficients()
    {
        using var output = new StringWriter();
        var result = new SviRegressionExample().Run(new ExampleOptions(Seed: 1, Smoke: true), output).Values;

        // a coefficient's posterior sd with unit-variance features is about σ/√n; the fit must
        // land within 5 of them of the truth (the data's own estimation error included)
        double se = 0.5 / Math.Sqrt(result["n"]);
        Assert.InRange(result["w[0]"], 1.5 - (5 * se), 1.5 + (5 * se));
        Assert.InRange(result["w[1]"], -2.0 - (5 * se), -2.0 + (5 * se));
        Assert.InRange(result["w[2]"], 0.5 - (5 * se), 0.5 + (5 * se));
        Assert.InRange(result["b"], 0.7 - (5 * se), 0.7 + (5 * se));
        // σ's posterior sd is about σ/√(2n)
        double sigmaSe = 0.5 / Math.Sqrt(2 * result["n"]);
        Assert.InRange(result["sigma"], 0.5 - (5 * sigmaSe), 0.5 + (5 * sigmaSe));
        Assert.True(result["steps"] < 1500, "the plateau detector should stop the smoke run before its step budget");

        string text = output.ToString();
        Assert.Contains("Posterior (AutoNormal) vs truth", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal); // no ANSI escapes in smoke mode
    }

    [Fact]
    public void PlateauDetectorStopsOnAFlatLossAndNotOnADecreasingOne()
    {
        var flat = new PlateauDetector(smoothing: 0.5, relativeTolerance: 1e-3, patience: 5);
        Assert.Equal(6, Enumerable.Range(0, 20).TakeWhile(_ => !flat.Update(10.0)).Count() + 1);

        var falling = new PlateauDetector(smoothing: 0.5, relativeTolerance: 1e-3, patience: 5);
        Assert.All(Enumerable.Range(0, 50), i => Assert.False(falling.Update(1000.0 / (i + 1))));
    }
}
