using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class LowRankMultivariateNormalTests
{
    private static readonly double[] Loc = [0.5, -1.0, 2.0];

    private static readonly double[] Diag = [0.5, 1.0, 2.0];

    private static readonly double[][] Values = [[0.0, 0.0, 0.0], [1.0, -2.0, 2.5], [-3.0, 4.0, 0.1], [0.5, -1.0, 2.0]];

    private static LowRankMultivariateNormal Make() =>
        new(tensor(Loc, dtype: float64), MultivariateCases.CovFactor(float64), tensor(Diag, dtype: float64));

    private static Matrix<double> Sigma()
    {
        var w = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, -0.5 }, { 0.3, 2.0 }, { -1.2, 0.4 } });
        return (w * w.Transpose()) + Matrix<double>.Build.DiagonalOfDiagonalArray(Diag);
    }

    [Fact]
    public void LogProbMatchesAFloat64ReferenceAndTheFullMultivariateNormal()
    {
        using var scope = NewDisposeScope();
        var sigma = Sigma();
        var precision = sigma.Inverse();
        var mu = Vector<double>.Build.DenseOfArray(Loc);
        var x = tensor(Values.SelectMany(v => v).ToArray(), dtype: float64).reshape(Values.Length, 3);
        var lp = Make().LogProb(x);
        var full = MultivariateNormal.FromCovariance(tensor(Loc, dtype: float64), MultivariateNormalTests.FromMatrix(sigma)).LogProb(x);
        for (int i = 0; i < Values.Length; i++)
        {
            var diff = Vector<double>.Build.DenseOfArray(Values[i]) - mu;
            double expected = (-0.5 * (diff * precision * diff)) - (0.5 * Math.Log(sigma.Multiply(2 * Math.PI).Determinant()));
            Assert.Equal(expected, lp[i].item<double>(), Math.Abs(expected) * 1e-10);
            Assert.Equal(full[i].item<double>(), lp[i].item<double>(), Math.Abs(expected) * 1e-10);
        }
    }

    [Fact]
    public void MatrixPropertiesMatchTheFullCovariance()
    {
        using var scope = NewDisposeScope();
        var d = Make();
        var sigma = Sigma();
        MultivariateNormalTests.AssertClose(sigma, d.CovarianceMatrix, 1e-12);
        MultivariateNormalTests.AssertClose(sigma.Inverse(), d.PrecisionMatrix, 1e-10);
        MultivariateNormalTests.AssertClose(sigma.Cholesky().Factor, d.ScaleTril, 1e-10);
    }

    [Fact]
    public void BatchShapeBroadcastsTheThreeParameters()
    {
        using var scope = NewDisposeScope();
        var d = new LowRankMultivariateNormal(zeros(4, 1, 3, dtype: float64), MultivariateCases.CovFactor(float64), ones(2, 3, dtype: float64));
        Assert.Equal([4, 2], d.BatchShape);
        Assert.Equal([3], d.EventShape);
        Assert.Equal([4, 2, 3, 2], d.CovFactor.shape);
        Assert.Equal([5, 4, 2], d.LogProb(zeros(5, 1, 1, 3, dtype: float64)).shape);
    }

    [Fact]
    public void ProjectionsOfDrawsPassAKolmogorovSmirnovTest()
    {
        using var scope = NewDisposeScope();
        var sigma = Sigma();
        var x = Make().Sample(new Generator(21, CPU), 20_000);
        foreach (double[] a in new[] { new[] { 1.0, 0, 0 }, [0.3, -1.0, 0.8], [0, 0.5, 0.5] })
        {
            var av = Vector<double>.Build.DenseOfArray(a);
            double m = av * Vector<double>.Build.DenseOfArray(Loc);
            double sd = Math.Sqrt(av * sigma * av);
            var projected = x.matmul(tensor(a, dtype: float64)).data<double>().ToArray();
            GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(projected, v => MathNetNormal.CDF(m, sd, v)), $"aᵀx for a = [{string.Join(", ", a)}]");
        }
    }

    [Fact]
    public void MomentsAndEntropyMatchTheClosedForms()
    {
        using var scope = NewDisposeScope();
        var d = Make();
        var sigma = Sigma();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Loc[i], d.Mean[i].item<double>(), 12);
            Assert.Equal(sigma[i, i], d.Variance[i].item<double>(), 12);
        }

        Assert.Equal(0.5 * Math.Log(sigma.Multiply(2 * Math.PI * Math.E).Determinant()), d.Entropy().item<double>(), 10);
    }

    [Fact]
    public void RSampleGradientIsThePathwiseDerivative()
    {
        using var scope = NewDisposeScope();
        var w = MultivariateCases.CovFactor(float64).requires_grad_();
        var diag = tensor(Diag, dtype: float64).requires_grad_();
        var x = new LowRankMultivariateNormal(tensor(Loc, dtype: float64), w, diag).RSample(new Generator(5, CPU), 30);
        x.sum().backward();

        // the same generator replays εW then εD: x = loc + W·εW + √d·εD
        var gen = new Generator(5, CPU);
        var epsW = randn([30, 2], dtype: float64, generator: gen);
        var epsD = randn([30, 3], dtype: float64, generator: gen);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(epsD[.., i].sum().item<double>() * 0.5 / Math.Sqrt(Diag[i]), diag.grad![i].item<double>(), 10);
            for (int r = 0; r < 2; r++)
            {
                Assert.Equal(epsW[.., r].sum().item<double>(), w.grad![i, r].item<double>(), 10);
            }
        }
    }

    [Fact]
    public void NonPositiveDiagonalThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            new LowRankMultivariateNormal(zeros(3, dtype: float64), MultivariateCases.CovFactor(float64), tensor(new[] { 1.0, -0.5, 2.0 }, dtype: float64)));
        Assert.Contains("LowRankMultivariateNormal", e.Message, StringComparison.Ordinal);
        Assert.Contains("'covDiag'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedShapesThrow()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new LowRankMultivariateNormal(zeros(3), ones(2, 1), ones(3)));
        Assert.Throws<ArgumentException>(() => new LowRankMultivariateNormal(zeros(3), ones(3, 1), ones(2)));
    }

    [Fact]
    public void NaNValueIsOutsideTheSupport()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Make().LogProb(tensor(new[] { 0.0, double.NaN, 1.0 }, dtype: float64)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }
}
