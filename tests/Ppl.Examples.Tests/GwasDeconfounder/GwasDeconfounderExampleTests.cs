using Ppl.Examples;
using Ppl.Examples.GwasDeconfounder;

namespace Ppl.Tests.Examples.GwasDeconfounder;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class GwasDeconfounderExampleTests
{
    [Fact]
    public void SmokeRunScoresEveryAdjustmentAgainstTheTruth()
    {
        using var output = new StringWriter();
        var values = new GwasDeconfounderExample().Run(new ExampleOptions(Seed: 0, Smoke: true), output).Values;
        string text = output.ToString();
        foreach (string method in new[] { "no control", "oracle (true groups)", "PPCA", "PPCA, residual G − Â", "Poisson factorization", "logistic factor model", "β̂ = 0 (reference)" })
        {
            Assert.Contains(method, text, StringComparison.Ordinal);
            Assert.True(double.IsFinite(values[$"a=0.1/{method}/mean abs error"]) && values[$"a=0.1/{method}/mean abs error"] > 0, method);
        }

        // confounding is real in the simulation, and the true groups remove part of it
        Assert.True(values["a=0.1/oracle (true groups)/least squares rmse"] < values["a=0.1/no control/least squares rmse"]);
        Assert.True(values["a=0.1/no control/mean abs error"] > values["a=0.1/β̂ = 0 (reference)/mean abs error"]);
        Assert.Equal(1.0, values["a=0.1/no control/ratio to none"], 12);
    }
}
