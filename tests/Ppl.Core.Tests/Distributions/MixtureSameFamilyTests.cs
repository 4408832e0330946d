using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class MixtureSameFamilyTests
{
    private static readonly double[] Weights = [0.2, 0.5, 0.3];

    private static readonly double[] Locs = [-2.0, 0.5, 4.0];

    private static readonly double[] Scales = [0.5, 1.0, 2.0];

    private static MixtureSameFamily NormalMixture() => new(
        Categorical.FromProbs(tensor(Weights, dtype: float64)),
        new Normal(tensor(Locs, dtype: float64), tensor(Scales, dtype: float64)));

    private static double MixtureCdf(double x) => Enumerable.Range(0, 3).Sum(k => Weights[k] * MathNetNormal.CDF(Locs[k], Scales[k], x));

    [Fact]
    public void LogProbMatchesTheMixtureOfMathNetDensities()
    {
        using var scope = NewDisposeScope();
        double[] xs = [-30, -2, -1, 0, 0.5, 3, 4, 12];
        var lp = NormalMixture().LogProb(tensor(xs, dtype: float64));
        Assert.Equal([xs.Length], lp.shape);
        for (int i = 0; i < xs.Length; i++)
        {
            // log Σ π_k N(x; μ_k, σ_k), stabilized by the largest term so x = −30 stays finite
            var terms = Enumerable.Range(0, 3).Select(k => Math.Log(Weights[k]) + MathNetNormal.PDFLn(Locs[k], Scales[k], xs[i])).ToArray();
            double max = terms.Max();
            double expected = max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
            Assert.Equal(expected, lp[i].item<double>(), Math.Abs(expected) * 1e-10);
        }
    }

    [Fact]
    public void LogProbWithVectorComponentsMixesTheirDensities()
    {
        using var scope = NewDisposeScope();
        var sigma = new[] { MultivariateNormalTests.ToMatrix(MultivariateCases.Covariances(float64)[0]), MultivariateNormalTests.ToMatrix(MultivariateCases.Covariances(float64)[1]) };
        var d = new MixtureSameFamily(
            Categorical.FromProbs(tensor(new[] { 0.3, 0.7 }, dtype: float64)),
            MultivariateNormal.FromCovariance(MultivariateCases.Locs(float64), MultivariateCases.Covariances(float64)));
        Assert.Empty(d.BatchShape);
        Assert.Equal([3], d.EventShape);
        double[][] xs = [[0, 0, 0], [1, 2, 3], [0.5, -1, 2]];
        var lp = d.LogProb(tensor(xs.SelectMany(x => x).ToArray(), dtype: float64).reshape(3, 3));
        for (int i = 0; i < xs.Length; i++)
        {
            double density = 0;
            for (int k = 0; k < 2; k++)
            {
                var diff = Vector<double>.Build.DenseOfArray(xs[i]) - Vector<double>.Build.DenseOfArray(MultivariateCases.Locs(float64)[k].data<double>().ToArray());
                double logN = (-0.5 * (diff * sigma[k].Inverse() * diff)) - (0.5 * Math.Log(sigma[k].Multiply(2 * Math.PI).Determinant()));
                density += (k == 0 ? 0.3 : 0.7) * Math.Exp(logN);
            }

            Assert.Equal(Math.Log(density), lp[i].item<double>(), Math.Abs(Math.Log(density)) * 1e-10);
        }
    }

    [Fact]
    public void DrawsPassAKolmogorovSmirnovTestAgainstTheMixtureCdf()
    {
        using var scope = NewDisposeScope();
        var x = NormalMixture().Sample(new Generator(41, CPU), 20_000);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x.data<double>().ToArray(), MixtureCdf), "mixture of three normals");
    }

    [Fact]
    public void ProjectedVectorDrawsFollowTheMixtureOfProjectedNormals()
    {
        using var scope = NewDisposeScope();
        var cov = MultivariateCases.Covariances(float64);
        var locs = MultivariateCases.Locs(float64);
        var d = new MixtureSameFamily(Categorical.FromProbs(tensor(new[] { 0.3, 0.7 }, dtype: float64)), MultivariateNormal.FromCovariance(locs, cov));
        var x = d.Sample(new Generator(42, CPU), 20_000);
        Assert.Equal([20_000, 3], x.shape);
        double[] a = [0.4, -1.0, 0.6];
        var av = Vector<double>.Build.DenseOfArray(a);
        var m = Enumerable.Range(0, 2).Select(k => av * Vector<double>.Build.DenseOfArray(locs[k].data<double>().ToArray())).ToArray();
        var sd = Enumerable.Range(0, 2).Select(k => Math.Sqrt(av * MultivariateNormalTests.ToMatrix(cov[k]) * av)).ToArray();
        var projected = x.matmul(tensor(a, dtype: float64)).data<double>().ToArray();
        GoodnessOfFit.AssertFits(
            GoodnessOfFit.KolmogorovSmirnov(projected, v => (0.3 * MathNetNormal.CDF(m[0], sd[0], v)) + (0.7 * MathNetNormal.CDF(m[1], sd[1], v))),
            "aᵀx of a mixture of two multivariate normals");
    }

    [Fact]
    public void MeanAndVarianceMatchTheMixtureMoments()
    {
        using var scope = NewDisposeScope();
        var d = NormalMixture();
        double mean = Enumerable.Range(0, 3).Sum(k => Weights[k] * Locs[k]);
        double secondMoment = Enumerable.Range(0, 3).Sum(k => Weights[k] * ((Scales[k] * Scales[k]) + (Locs[k] * Locs[k])));
        Assert.Equal(mean, d.Mean.item<double>(), 12);
        Assert.Equal(secondMoment - (mean * mean), d.Variance.item<double>(), 12);
        Assert.Throws<NotSupportedException>(() => d.Entropy());
    }

    [Fact]
    public void HasNoReparameterizedSampler()
    {
        using var scope = NewDisposeScope();
        var d = NormalMixture();
        Assert.False(d.HasRSample);
        Assert.Throws<NotSupportedException>(() => d.RSample(4));
    }

    [Fact]
    public void BatchShapesBroadcastAndComponentCountsMustAgree()
    {
        using var scope = NewDisposeScope();
        var d = new MixtureSameFamily(Categorical.FromLogits(zeros(3)), new Normal(zeros(4, 3), 1.0));
        Assert.Equal([4], d.BatchShape);
        Assert.Equal([4, 3], d.ComponentDistribution.BatchShape);
        var e = Assert.Throws<ArgumentException>(() => new MixtureSameFamily(Categorical.FromLogits(zeros(2)), new Normal(zeros(4, 3), 1.0)));
        Assert.Contains("MixtureSameFamily", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MixtureSameFamily(Categorical.FromLogits(zeros(1)), new Normal(0.0, 1.0)));
    }

    [Fact]
    public void ValueOutsideTheComponentSupportThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => NormalMixture().LogProb(tensor(double.NaN, dtype: float64)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }
}
