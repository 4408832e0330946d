using Ppl.Examples;
using Ppl.Examples.LinearScm;

namespace Ppl.Tests.Examples.LinearScm;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class CausalQueriesExampleTests
{
    /// <summary>The example's SCM: U ~ N(0,1), X ~ N(U, 1), Y ~ N(2X − 1.5U, 0.5), Z ~ N(0.7Y, 0.3).</summary>
    private static readonly Causal.LinearScm Scm = new(Alpha: 1, Beta: 2, Gamma: -1.5, Delta: 0.7, SigmaX: 1, SigmaY: 0.5, SigmaZ: 0.3);

    /// <summary>The smoke run's draws (CausalQueriesExample: 4,000; the backdoor uses a tenth of them with 64 inner draws).</summary>
    private const int SmokeDraws = 4_000;

    [Fact]
    public void SmokeRunMatchesEveryClosedFormWithinFiveStandardErrors()
    {
        using var output = new StringWriter();
        var r = new CausalQueriesExample().Run(new ExampleOptions(Seed: 3, Smoke: true), output).Values;

        // ceilings for the reported errors: plain means of Z under do(X = 1), Var = δ²(γ² + σy²) + σz²;
        // the backdoor's per-draw inner means, Var = δ²γ² + (δ²σy² + σz²)/64; likelihood weighting on
        // (x, z) for the counterfactual, whose variance is in closed form (LinearScm)
        double d = Scm.Delta, g = Scm.Gamma;
        StandardErrorCeiling.Check(r["interventionalSe"], StandardErrorCeiling.OfMean((d * d * ((g * g) + (Scm.SigmaY * Scm.SigmaY))) + (Scm.SigmaZ * Scm.SigmaZ), SmokeDraws), "interventional");
        StandardErrorCeiling.Check(r["backdoorSe"], StandardErrorCeiling.OfMean((d * d * g * g) + (((d * d * Scm.SigmaY * Scm.SigmaY) + (Scm.SigmaZ * Scm.SigmaZ)) / 64), SmokeDraws / 10), "backdoor");
        double weighted = StandardErrorCeiling.OfWeightedMean(Scm.LikelihoodWeightingVariance(2, [1, 3], [0.8, 1.1]), SmokeDraws);
        StandardErrorCeiling.Check(r["counterfactualSe"], weighted, "counterfactual");
        StandardErrorCeiling.Check(r["threeStepsSe"], weighted, "three steps");
        Assert.Equal(Scm.Condition([2], [1, 3], [0.8, 1.1]).Mean[0] + (Scm.Beta * (-1.0 - 0.8)), r["exactCounterfactual"], 10);

        Assert.InRange(r["interventional"], 1.4 - (5 * r["interventionalSe"]), 1.4 + (5 * r["interventionalSe"]));
        Assert.InRange(r["backdoor"], 1.4 - (5 * r["backdoorSe"]), 1.4 + (5 * r["backdoorSe"]));
        Assert.Equal(1.4, r["ate"], 9);
        double exact = r["exactCounterfactual"];
        Assert.InRange(r["counterfactual"], exact - (5 * r["counterfactualSe"]), exact + (5 * r["counterfactualSe"]));
        Assert.InRange(r["threeSteps"], exact - (5 * r["threeStepsSe"]), exact + (5 * r["threeStepsSe"]));
        Assert.Contains("twin world", output.ToString(), StringComparison.Ordinal);

        // the counterfactual's spread: Y_{X=-1} | x, z is Normal with the conditional variance of Y
        double exactSd = Math.Sqrt(Scm.Condition([2], [1, 3], [0.8, 1.1]).Cov[0, 0]);
        Assert.Equal(exactSd, r["exactCounterfactualSd"], 10);
        // the weighted sd's error is about sd/√(2·ESS); quantiles' about 2.1·sd/√ESS (Normal 5% level)
        double ess = r["counterfactualEss"];
        Assert.InRange(ess, 100, SmokeDraws);
        Assert.InRange(r["counterfactualSd"], exactSd * (1 - (5 / Math.Sqrt(2 * ess))), exactSd * (1 + (5 / Math.Sqrt(2 * ess))));
        double quantileError = 5 * 2.11 * exactSd / Math.Sqrt(ess);
        Assert.InRange(r["counterfactualQ05"], exact - (1.6449 * exactSd) - quantileError, exact - (1.6449 * exactSd) + quantileError);
        Assert.InRange(r["counterfactualQ95"], exact + (1.6449 * exactSd) - quantileError, exact + (1.6449 * exactSd) + quantileError);
    }

    [Fact]
    public void TheHandWrittenClosedFormAgreesWithGaussianConditioningByMatrices()
    {
        // independent check of ExactCounterfactual: condition (x, y, z) numerically with MathNet
        var l = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(new double[,]
        {
            { 1, 0, 0, 0 },          // u
            { 1, 1, 0, 0 },          // x = u + ε_x
            { 0.5, 2, 1, 0 },        // y = 2x − 1.5u + ε_y
            { 0.35, 1.4, 0.7, 1 },   // z = 0.7y + ε_z
        });
        var noise = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DiagonalOfDiagonalArray([1, 1, 0.25, 0.09]);
        var c = l * noise * l.Transpose();
        var soo = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(new[,] { { c[1, 1], c[1, 3] }, { c[3, 1], c[3, 3] } });
        var sqo = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(new[,] { { c[2, 1], c[2, 3] } });
        double meanY = (sqo * soo.Inverse() * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray([0.8, 1.1]))[0];
        Assert.Equal(meanY + (2 * (-1.0 - 0.8)), CausalQueriesExample.ExactCounterfactual(0.8, 1.1, -1.0), 10);
    }
}
