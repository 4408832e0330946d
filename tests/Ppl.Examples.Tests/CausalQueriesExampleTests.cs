using Ppl.Examples;
using Ppl.Examples.LinearScm;

namespace Ppl.Tests;

[Collection("Sequential")]
public sealed class CausalQueriesExampleTests
{
    [Fact]
    public void SmokeRunMatchesEveryClosedFormWithinFiveStandardErrors()
    {
        using var output = new StringWriter();
        var r = new CausalQueriesExample().Run(new ExampleOptions(Seed: 3, Smoke: true), output).Values;
        Assert.InRange(r["interventional"], 1.4 - (5 * r["interventionalSe"]), 1.4 + (5 * r["interventionalSe"]));
        Assert.InRange(r["backdoor"], 1.4 - (5 * r["backdoorSe"]), 1.4 + (5 * r["backdoorSe"]));
        Assert.Equal(1.4, r["ate"], 9);
        double exact = r["exactCounterfactual"];
        Assert.InRange(r["counterfactual"], exact - (5 * r["counterfactualSe"]), exact + (5 * r["counterfactualSe"]));
        Assert.InRange(r["threeSteps"], exact - (5 * r["threeStepsSe"]), exact + (5 * r["threeStepsSe"]));
        Assert.Contains("twin world", output.ToString(), StringComparison.Ordinal);
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
