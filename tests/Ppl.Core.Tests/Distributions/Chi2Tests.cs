using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetChiSquared = MathNet.Numerics.Distributions.ChiSquared;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class Chi2Tests
{
    [Fact]
    public void LogProbMatchesMathNetOnAGrid()
    {
        using var scope = NewDisposeScope();
        double[] xs = [0.01, 0.5, 1.0, 4.0, 30.0];
        foreach (double df in new[] { 0.7, 1.0, 2.0, 5.5, 60.0 })
        {
            var lp = new Chi2(tensor(df, dtype: float64)).Expand(xs.Length).LogProb(tensor(xs, dtype: float64));
            for (int i = 0; i < xs.Length; i++)
            {
                double expected = MathNetChiSquared.PDFLn(df, xs[i]);
                Assert.Equal(expected, lp[i].item<double>(), (Math.Abs(expected) * 1e-10) + 1e-10);
            }
        }
    }

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(3.0, 2)]
    [InlineData(80.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double df, int seed)
    {
        using var scope = NewDisposeScope();
        var x = new Chi2(tensor(df, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x.data<double>().ToArray(), v => MathNetChiSquared.CDF(df, v)), $"Chi2({df})");
    }

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        foreach (double df in new[] { 0.6, 4.0, 17.5 })
        {
            var d = new Chi2(tensor(df, dtype: float64));
            var m = new MathNetChiSquared(df);
            Assert.Equal(m.Mean, d.Mean.item<double>(), 12);
            Assert.Equal(m.Variance, d.Variance.item<double>(), 12);
            Assert.Equal(m.Entropy, d.Entropy().item<double>(), 10);
        }
    }

    [Fact]
    public void RSampleGradientIsTheImplicitDerivativeOfTheCdf()
    {
        using var scope = NewDisposeScope();
        double[] dfs = [0.8, 2.0, 5.0, 30.0];
        var df = tensor(dfs, dtype: float64).repeat(8).requires_grad_();
        var x = new Chi2(df).RSample(new Generator(41, CPU));
        x.sum().backward();
        double[] xs = x.detach().data<double>().ToArray();
        double[] g = df.grad!.data<double>().ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double expected = GammaFamilyGradients.Implicit(MathNetChiSquared.CDF, dfs[i % 4], xs[i]);
            Assert.True(Math.Abs(g[i] - expected) <= (1e-3 * Math.Abs(expected)) + 1e-9, $"d x/d df at Chi2({dfs[i % 4]}), x = {xs[i]}: {g[i]} vs {expected}");
        }
    }

    [Fact]
    public void NonPositiveDfThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Chi2(tensor(new[] { 3.0, -1.5 })));
        Assert.Contains("Chi2", e.Message, StringComparison.Ordinal);
        Assert.Contains("'df'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-1.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeValueIsOutsideTheSupport()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new Chi2(2.0).LogProb(tensor(-1.0)));
    }
}
