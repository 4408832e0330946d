using Ppl.Examples;
using Ppl.Examples.Confounding;

namespace Ppl.Tests.Examples.Confounding;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class ConfoundingExampleTests
{
    [Fact]
    public void SmokeRunRecoversBothClosedFormsWithinFiveStandardErrors()
    {
        using var output = new StringWriter();
        var result = new ConfoundingExample().Run(new ExampleOptions(Seed: 1, Smoke: true), output).Values;

        // closed forms: E[Y | X=1] = 2 + 3·E[U | X=1] = 2 + 3·0.5; E[Y | do(X=1)] = 2
        // error ceilings: Var[Y | do(X=1)] = 9 + 1 over n plain draws; the weighted one reports
        // √(Var_w(Y)/ESS), whose limit is √(Var[Y | X=1] / ESS∞) with Kish's ESS∞ in closed form
        const int n = 20_000; // ConfoundingExample's smoke run
        var scm = new Causal.LinearScm(Alpha: 1, Beta: 2, Gamma: 3, SigmaX: 1, SigmaY: 1);
        double observedVariance = scm.Condition([2], [1], [1.0]).Cov[0, 0];
        StandardErrorCeiling.Check(result["interventionalSe"], StandardErrorCeiling.OfMean(10, n), "E[Y | do(X=1)]");
        StandardErrorCeiling.Check(result["observationalSe"], StandardErrorCeiling.WeightedHeadroom * Math.Sqrt(observedVariance / scm.LikelihoodWeightingEss([1], [1.0], n)), "E[Y | X=1]");
        Assert.InRange(result["observational"], 3.5 - (5 * result["observationalSe"]), 3.5 + (5 * result["observationalSe"]));
        Assert.InRange(result["interventional"], 2.0 - (5 * result["interventionalSe"]), 2.0 + (5 * result["interventionalSe"]));
        Assert.True(result["observational"] - result["interventional"] > 1.0, "seeing and doing must differ under confounding");
        Assert.Contains("E[Y | do(X=1)]", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCatalogEntryHasAUniqueCommandName()
    {
        var names = ExampleCatalog.All.Select(e => e.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain("list", names);
    }
}
