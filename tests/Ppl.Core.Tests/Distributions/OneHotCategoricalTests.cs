using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetBernoulli = MathNet.Numerics.Distributions.Bernoulli;
using MathNetCategorical = MathNet.Numerics.Distributions.Categorical;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class OneHotCategoricalTests
{
    [Fact]
    public void LogProbMatchesMathNetCategorical()
    {
        using var scope = NewDisposeScope();
        double[] p = [0.05, 0.25, 0.1, 0.6];
        var values = eye(p.Length, dtype: float64);
        var fromProbs = OneHotCategorical.FromProbs(tensor(p, dtype: float64));
        var fromLogits = OneHotCategorical.FromLogits(tensor(p.Select(v => Math.Log(v) - 1.5).ToArray(), dtype: float64));
        var lpFloat = fromProbs.LogProb(values);
        var lpInt = fromProbs.LogProb(values.to(int64));
        var lpLogits = fromLogits.LogProb(values);
        Assert.Equal([p.Length], lpFloat.shape);
        for (int k = 0; k < p.Length; k++)
        {
            double expected = MathNetCategorical.PMFLn(p, k);
            Assert.Equal(expected, lpFloat[k].item<double>(), Math.Abs(expected) * 1e-12);
            Assert.Equal(expected, lpInt[k].item<double>(), Math.Abs(expected) * 1e-12);
            Assert.Equal(expected, lpLogits[k].item<double>(), Math.Abs(expected) * 1e-12);
        }
    }

    [Theory]
    [InlineData(new[] { 0.2, 0.3, 0.5 }, 1)]
    [InlineData(new[] { 0.01, 0.09, 0.4, 0.5 }, 2)]
    public void DrawsAreOneHotAndPassChiSquareTests(double[] p, int seed)
    {
        using var scope = NewDisposeScope();
        var x = OneHotCategorical.FromProbs(tensor(p, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        Assert.Equal(float64, x.dtype);
        Assert.True(x.sum(-1).eq(1).all().item<bool>() && x.eq(0).logical_or(x.eq(1)).all().item<bool>(), "draws are one-hot");
        var categories = x.argmax(-1).data<long>().ToArray();
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(categories, k => p[k], 0, p.Length - 1), "OneHotCategorical categories");
        var first = x.select(-1, 0).data<double>().ToArray().Select(v => (long)v);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(first, k => MathNetBernoulli.PMF(p[0], (int)k), 0, 1), "OneHotCategorical first coordinate");
    }

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        double[] p = [0.1, 0.6, 0.3];
        var d = OneHotCategorical.FromProbs(tensor(p, dtype: float64));
        for (int k = 0; k < p.Length; k++)
        {
            var coordinate = new MathNetBernoulli(p[k]);
            Assert.Equal(coordinate.Mean, d.Mean[k].item<double>(), 1e-12);
            Assert.Equal(coordinate.Variance, d.Variance[k].item<double>(), 1e-12);
        }

        Assert.Equal(new MathNetCategorical(p).Entropy, d.Entropy().item<double>(), 1e-12);
    }

    [Fact]
    public void NegativeProbabilityThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => OneHotCategorical.FromProbs(tensor(new[] { 0.5, -0.125, 0.6 })));
        Assert.Contains("OneHotCategorical", e.Message, StringComparison.Ordinal);
        Assert.Contains("'probs'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.125", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OneHotCategorical.FromLogits(tensor(0.0)));
    }

    [Fact]
    public void ValuesThatAreNotOneHotThrow()
    {
        using var scope = NewDisposeScope();
        var d = OneHotCategorical.FromLogits(zeros(3));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 1f, 1f, 0f })));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 0.5f, 0.5f, 0f })));
        Assert.Throws<ArgumentException>(() => d.LogProb(zeros(3)));
    }
}
