using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetBinomial = MathNet.Numerics.Distributions.Binomial;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class BinomialTests
{
    [Fact]
    public void LogProbMatchesMathNetOnAGrid()
    {
        using var scope = NewDisposeScope();
        foreach (int n in new[] { 0, 1, 7, 40 })
        {
            foreach (double p in new[] { 0.01, 0.3, 0.5, 0.97 })
            {
                long[] ks = [.. Enumerable.Range(0, n + 1).Select(k => (long)k)];
                var fromProbs = Binomial.FromProbs(n, tensor(p, dtype: float64)).Expand(ks.Length);
                var fromLogits = Binomial.FromLogits(tensor((double)n, dtype: float64), tensor(Math.Log(p) - Math.Log(1 - p), dtype: float64)).Expand(ks.Length);
                var lpFloat = fromProbs.LogProb(tensor(ks, dtype: float64));
                var lpInt = fromProbs.LogProb(tensor(ks));
                var lpLogits = fromLogits.LogProb(tensor(ks, dtype: float64));
                for (int i = 0; i < ks.Length; i++)
                {
                    double expected = MathNetBinomial.PMFLn(p, n, (int)ks[i]);
                    double tol = (Math.Abs(expected) * 1e-10) + 1e-12;
                    Assert.Equal(expected, lpFloat[i].item<double>(), tol);
                    Assert.Equal(expected, lpInt[i].item<double>(), tol);
                    Assert.Equal(expected, lpLogits[i].item<double>(), tol);
                }
            }
        }
    }

    [Fact]
    public void LogProbBroadcastsTheValueAgainstTensorCounts()
    {
        using var scope = NewDisposeScope();
        var d = Binomial.FromProbs(tensor(new[] { 3.0, 6.0 }, dtype: float64), tensor(new[] { 0.2, 0.7 }, dtype: float64));
        var lp = d.LogProb(tensor(new[] { 2.0, 3.0 }, dtype: float64).reshape(2, 1));
        Assert.Equal([2, 2], lp.shape);
        Assert.Equal(MathNetBinomial.PMFLn(0.2, 3, 3), lp[1, 0].item<double>(), 1e-12);
        Assert.Equal(MathNetBinomial.PMFLn(0.7, 6, 2), lp[0, 1].item<double>(), 1e-12);
    }

    [Theory]
    [InlineData(10, 0.3, 1)]
    [InlineData(50, 0.9, 2)]
    [InlineData(1000, 0.02, 3)]
    [InlineData(400, 0.5, 4)]
    public void SamplesPassAChiSquareTest(int n, double p, int seed)
    {
        using var scope = NewDisposeScope();
        var x = Binomial.FromProbs(n, tensor(p, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        Assert.Equal(float64, x.dtype);
        var draws = x.data<double>().ToArray().Select(v => (long)v);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(draws, k => MathNetBinomial.PMF(p, n, (int)k), 0, n), $"Binomial({n}, {p})");
    }

    [Fact]
    public void MomentsMatchMathNet()
    {
        using var scope = NewDisposeScope();
        var d = Binomial.FromProbs(tensor(new[] { 4.0, 25.0 }, dtype: float64), tensor(new[] { 0.35, 0.8 }, dtype: float64));
        var m0 = new MathNetBinomial(0.35, 4);
        var m1 = new MathNetBinomial(0.8, 25);
        Assert.Equal(m0.Mean, d.Mean[0].item<double>(), 12);
        Assert.Equal(m1.Mean, d.Mean[1].item<double>(), 12);
        Assert.Equal(m0.Variance, d.Variance[0].item<double>(), 12);
        Assert.Equal(m1.Variance, d.Variance[1].item<double>(), 12);
        Assert.Throws<NotSupportedException>(() => d.Entropy());
    }

    [Fact]
    public void ProbabilityOutsideTheUnitIntervalThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Binomial.FromProbs(5, tensor(new[] { 0.2, 1.5 })));
        Assert.Contains("Binomial", e.Message, StringComparison.Ordinal);
        Assert.Contains("'probs'", e.Message, StringComparison.Ordinal);
        Assert.Contains("1.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeOrFractionalTotalCountThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Binomial.FromLogits(tensor(new[] { 3.0, -2.0 }), zeros(2)));
        Assert.Contains("Binomial", e.Message, StringComparison.Ordinal);
        Assert.Contains("'totalCount'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-2", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Binomial.FromProbs(2.5, tensor(0.5)));
        Assert.Contains("2.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesOutsideTheSupportThrow()
    {
        using var scope = NewDisposeScope();
        var d = Binomial.FromProbs(tensor(new[] { 3.0, 6.0 }), tensor(0.5));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 1.5, 2.0 })));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 4.0, 2.0 })));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 1.0, -1.0 })));
        Assert.Equal([2], d.LogProb(tensor(new[] { 3.0, 6.0 })).shape);
    }
}
