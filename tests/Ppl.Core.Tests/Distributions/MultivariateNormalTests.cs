using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class MultivariateNormalTests
{
    private static readonly double[][] Means = [[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]];

    private static readonly double[][] Values = [[0.0, 0.0, 0.0], [1.0, -2.0, 2.5], [-3.0, 4.0, 0.1], [0.5, -1.0, 2.0]];

    [Fact]
    public void LogProbOfEachParametrizationMatchesAFloat64Reference()
    {
        using var scope = NewDisposeScope();
        var covs = MultivariateCases.Covariances(float64);
        for (int b = 0; b < 2; b++)
        {
            var sigma = ToMatrix(covs[b]);
            var precision = sigma.Inverse();
            var factor = sigma.Cholesky().Factor;
            var mu = Vector<double>.Build.DenseOfArray(Means[b]);
            var loc = tensor(Means[b], dtype: float64);
            Distribution[] ds =
            [
                MultivariateNormal.FromCovariance(loc, FromMatrix(sigma)),
                MultivariateNormal.FromPrecision(loc, FromMatrix(precision)),
                MultivariateNormal.FromScaleTril(loc, FromMatrix(factor)),
            ];
            var x = tensor(Values.SelectMany(v => v).ToArray(), dtype: float64).reshape(Values.Length, 3);
            foreach (var d in ds)
            {
                var lp = d.LogProb(x);
                for (int i = 0; i < Values.Length; i++)
                {
                    var diff = Vector<double>.Build.DenseOfArray(Values[i]) - mu;
                    double expected = (-0.5 * (diff * precision * diff)) - (0.5 * Math.Log(sigma.Multiply(2 * Math.PI).Determinant()));
                    Assert.Equal(expected, lp[i].item<double>(), Math.Abs(expected) * 1e-10);
                }
            }
        }
    }

    [Fact]
    public void BatchShapeBroadcastsLocAndMatrix()
    {
        using var scope = NewDisposeScope();
        var d = MultivariateNormal.FromCovariance(zeros(4, 1, 3, dtype: float64), MultivariateCases.Covariances(float64));
        Assert.Equal([4, 2], d.BatchShape);
        Assert.Equal([3], d.EventShape);
        Assert.Equal([4, 2, 3], d.Loc.shape);
        Assert.Equal([4, 2, 3, 3], d.ScaleTril.shape);
        Assert.Equal([5, 4, 2], d.LogProb(zeros(5, 1, 1, 3, dtype: float64)).shape);
    }

    [Fact]
    public void MatrixPropertiesAgreeAcrossParametrizations()
    {
        using var scope = NewDisposeScope();
        var loc = MultivariateCases.Locs(float64);
        var cov = MultivariateCases.Covariances(float64);
        var fromCov = MultivariateNormal.FromCovariance(loc, cov);
        var fromPrec = MultivariateNormal.FromPrecision(loc, fromCov.PrecisionMatrix);
        var fromTril = MultivariateNormal.FromScaleTril(loc, fromCov.ScaleTril);
        for (int b = 0; b < 2; b++)
        {
            var sigma = ToMatrix(cov[b]);
            AssertClose(sigma.Inverse(), fromCov.PrecisionMatrix[b], 1e-10);
            AssertClose(sigma.Cholesky().Factor, fromPrec.ScaleTril[b], 1e-10);
            AssertClose(sigma, fromPrec.CovarianceMatrix[b], 1e-10);
            AssertClose(sigma, fromTril.CovarianceMatrix[b], 1e-10);
            AssertClose(sigma.Inverse(), fromTril.PrecisionMatrix[b], 1e-10);
        }
    }

    [Theory]
    [InlineData("covariance", 1)]
    [InlineData("precision", 2)]
    [InlineData("scale_tril", 3)]
    public void ProjectionsOfDrawsPassAKolmogorovSmirnovTest(string parametrization, int seed)
    {
        using var scope = NewDisposeScope();
        var cov = MultivariateCases.Covariances(float64)[1];
        var sigma = ToMatrix(cov);
        var loc = tensor(Means[1], dtype: float64);
        var d = parametrization switch
        {
            "covariance" => MultivariateNormal.FromCovariance(loc, cov),
            "precision" => MultivariateNormal.FromPrecision(loc, FromMatrix(sigma.Inverse())),
            _ => MultivariateNormal.FromScaleTril(loc, FromMatrix(sigma.Cholesky().Factor)),
        };
        var x = d.Sample(new Generator((ulong)seed, CPU), 20_000);
        foreach (double[] a in new[] { new[] { 1.0, 0, 0 }, [0.3, -1.0, 0.8], [0, 0.5, 0.5] })
        {
            var av = Vector<double>.Build.DenseOfArray(a);
            double m = av * Vector<double>.Build.DenseOfArray(Means[1]);
            double sd = Math.Sqrt(av * sigma * av);
            var projected = x.matmul(tensor(a, dtype: float64)).data<double>().ToArray();
            GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(projected, v => MathNetNormal.CDF(m, sd, v)), $"{parametrization}: aᵀx for a = [{string.Join(", ", a)}]");
        }
    }

    [Fact]
    public void MomentsAndEntropyMatchTheClosedForms()
    {
        using var scope = NewDisposeScope();
        var cov = MultivariateCases.Covariances(float64);
        var d = MultivariateNormal.FromCovariance(MultivariateCases.Locs(float64), cov);
        for (int b = 0; b < 2; b++)
        {
            var sigma = ToMatrix(cov[b]);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(Means[b][i], d.Mean[b, i].item<double>(), 12);
                Assert.Equal(sigma[i, i], d.Variance[b, i].item<double>(), 10);
            }

            double entropy = 0.5 * Math.Log(sigma.Multiply(2 * Math.PI * Math.E).Determinant());
            Assert.Equal(entropy, d.Entropy()[b].item<double>(), 10);
        }
    }

    [Fact]
    public void RSampleGradientIsThePathwiseDerivative()
    {
        using var scope = NewDisposeScope();
        var loc = tensor(Means[0], dtype: float64).requires_grad_();
        var l = MultivariateCases.ScaleTrils(float64)[1].clone().requires_grad_();
        var x = MultivariateNormal.FromScaleTril(loc, l).RSample(new Generator(4, CPU), 50);
        x.sum().backward();
        // x = loc + L·ε, so ∂Σx/∂loc_i = n and ∂Σx/∂L_ij = Σ ε_j over the draws
        var epsSum = Whiten(l.detach(), x.detach().sub(loc.detach())).sum(0L);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(50.0, loc.grad![i].item<double>(), 12);
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(epsSum[j].item<double>(), l.grad![i, j].item<double>(), 9);
            }
        }

        static Tensor Whiten(Tensor lower, Tensor centered) => linalg.solve_triangular(lower, centered.mT, upper: false).mT;
    }

    [Fact]
    public void NonPositiveDefiniteCovarianceThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var bad = tensor(new[] { 1.0, 2.0, 2.0, 1.0 }, dtype: float64).reshape(2, 2); // eigenvalues 3 and −1
        var e = Assert.Throws<ArgumentException>(() => MultivariateNormal.FromCovariance(zeros(2, dtype: float64), bad));
        Assert.Contains("MultivariateNormal", e.Message, StringComparison.Ordinal);
        Assert.Contains("'covarianceMatrix'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-1", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => MultivariateNormal.FromPrecision(zeros(2, dtype: float64), bad));
        Assert.Contains("'precisionMatrix'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonCholeskyScaleTrilThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            MultivariateNormal.FromScaleTril(zeros(2, dtype: float64), tensor(new[] { 1.0, 0.0, 0.3, -0.5 }, dtype: float64).reshape(2, 2)));
        Assert.Contains("MultivariateNormal", e.Message, StringComparison.Ordinal);
        Assert.Contains("'scaleTril'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.5", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() =>
            MultivariateNormal.FromScaleTril(zeros(2, dtype: float64), tensor(new[] { 1.0, 0.7, 0.0, 1.0 }, dtype: float64).reshape(2, 2)));
        Assert.Contains("0.7", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedShapesThrow()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => MultivariateNormal.FromCovariance(zeros(3), eye(2)));
        Assert.Throws<ArgumentException>(() => MultivariateNormal.FromCovariance(zeros(2), ones(2, 3)));
    }

    [Fact]
    public void NaNValueIsOutsideTheSupport()
    {
        using var scope = NewDisposeScope();
        var d = MultivariateNormal.FromCovariance(zeros(2, dtype: float64), eye(2, dtype: float64));
        var e = Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 0.0, double.NaN }, dtype: float64)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }

    internal static Matrix<double> ToMatrix(Tensor m)
    {
        var v = m.to(float64).contiguous().data<double>().ToArray();
        int n = (int)m.shape[^1];
        return Matrix<double>.Build.Dense(n, n, (i, j) => v[(i * n) + j]);
    }

    internal static Tensor FromMatrix(Matrix<double> m) =>
        tensor(m.ToRowMajorArray(), dtype: float64).reshape(m.RowCount, m.ColumnCount);

    internal static void AssertClose(Matrix<double> expected, Tensor actual, double relative)
    {
        var a = ToMatrix(actual);
        for (int i = 0; i < expected.RowCount; i++)
        {
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                Assert.Equal(expected[i, j], a[i, j], (Math.Abs(expected[i, j]) * relative) + 1e-12);
            }
        }
    }
}
