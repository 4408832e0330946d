using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetPoisson = MathNet.Numerics.Distributions.Poisson;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class PoissonTests
{
    [Fact]
    public void LogProbMatchesMathNetOnAGrid()
    {
        using var scope = NewDisposeScope();
        long[] ks = [0, 1, 2, 5, 10, 30, 80];
        foreach (double rate in new[] { 0.1, 1.0, 4.5, 30.0 })
        {
            var d = new Poisson(tensor(rate, dtype: float64)).Expand(ks.Length);
            var lpFloat = d.LogProb(tensor(ks, dtype: float64));
            var lpInt = d.LogProb(tensor(ks));
            for (int i = 0; i < ks.Length; i++)
            {
                double expected = MathNetPoisson.PMFLn(rate, (int)ks[i]);
                double tol = (Math.Abs(expected) * 1e-10) + 1e-12;
                Assert.Equal(expected, lpFloat[i].item<double>(), tol);
                Assert.Equal(expected, lpInt[i].item<double>(), tol);
            }
        }
    }

    [Fact]
    public void ZeroRatePutsAllMassOnZero()
    {
        using var scope = NewDisposeScope();
        var lp = new Poisson(zeros(2, dtype: float64)).LogProb(tensor(new[] { 0.0, 3.0 }, dtype: float64));
        Assert.Equal(0.0, lp[0].item<double>());
        Assert.Equal(double.NegativeInfinity, lp[1].item<double>());
    }

    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(5.0, 2)]
    [InlineData(120.0, 3)]
    public void SamplesPassAChiSquareTest(double rate, int seed)
    {
        using var scope = NewDisposeScope();
        var x = new Poisson(tensor(rate, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        Assert.Equal(float64, x.dtype);
        long max = (long)(rate + (10 * Math.Sqrt(rate)) + 20);
        var draws = x.data<double>().ToArray().Select(v => (long)v);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(draws, k => MathNetPoisson.PMF(rate, (int)k), 0, max), $"Poisson({rate})");
    }

    [Fact]
    public void MomentsMatchMathNet()
    {
        using var scope = NewDisposeScope();
        var d = new Poisson(tensor(new[] { 0.3, 12.0 }, dtype: float64));
        foreach (int i in new[] { 0, 1 })
        {
            var m = new MathNetPoisson(i == 0 ? 0.3 : 12.0);
            Assert.Equal(m.Mean, d.Mean[i].item<double>(), 12);
            Assert.Equal(m.Variance, d.Variance[i].item<double>(), 12);
        }

        Assert.Throws<NotSupportedException>(() => d.Entropy());
    }

    [Fact]
    public void NegativeRateThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Poisson(tensor(new[] { 1.0f, -0.5f })));
        Assert.Contains("Poisson", e.Message, StringComparison.Ordinal);
        Assert.Contains("'rate'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesOutsideTheSupportThrow()
    {
        using var scope = NewDisposeScope();
        var d = new Poisson(2.0);
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(1.5)));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(-1.0)));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(-1L)));
    }
}
