using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetNegativeBinomial = MathNet.Numerics.Distributions.NegativeBinomial;

namespace Ppl.Tests.Distributions;

/// <summary>
/// MathNet's NegativeBinomial(r, q) counts failures before r successes of probability q; ours
/// (PyTorch's) counts successes of probability p before r failures — the same law with q = 1 − p.
/// </summary>
[Collection("Sequential")]
public sealed class NegativeBinomialTests
{
    [Fact]
    public void LogProbMatchesMathNetWithTheComplementaryProbability()
    {
        using var scope = NewDisposeScope();
        long[] ks = [0, 1, 2, 5, 13, 40];
        foreach (double r in new[] { 0.5, 1.0, 3.0, 12.5 })
        {
            foreach (double p in new[] { 0.1, 0.5, 0.85 })
            {
                var fromProbs = NegativeBinomial.FromProbs(r, tensor(p, dtype: float64)).Expand(ks.Length);
                var fromLogits = NegativeBinomial.FromLogits(tensor(r, dtype: float64), tensor(Math.Log(p) - Math.Log(1 - p), dtype: float64)).Expand(ks.Length);
                var lpFloat = fromProbs.LogProb(tensor(ks, dtype: float64));
                var lpInt = fromProbs.LogProb(tensor(ks));
                var lpLogits = fromLogits.LogProb(tensor(ks, dtype: float64));
                for (int i = 0; i < ks.Length; i++)
                {
                    double expected = MathNetNegativeBinomial.PMFLn(r, 1 - p, (int)ks[i]);
                    double tol = (Math.Abs(expected) * 1e-10) + 1e-12;
                    Assert.Equal(expected, lpFloat[i].item<double>(), tol);
                    Assert.Equal(expected, lpInt[i].item<double>(), tol);
                    Assert.Equal(expected, lpLogits[i].item<double>(), tol);
                }
            }
        }
    }

    [Fact]
    public void ZeroTotalCountPutsAllMassOnZero()
    {
        using var scope = NewDisposeScope();
        var lp = NegativeBinomial.FromProbs(0.0, tensor(0.4, dtype: float64)).Expand(2).LogProb(tensor(new[] { 0.0, 2.0 }, dtype: float64));
        Assert.Equal(0.0, lp[0].item<double>(), 1e-15);
        Assert.Equal(double.NegativeInfinity, lp[1].item<double>());
    }

    [Theory]
    [InlineData(3.0, 0.4, 1)]
    [InlineData(0.7, 0.8, 2)]
    [InlineData(20.0, 0.3, 3)]
    public void SamplesPassAChiSquareTest(double r, double p, int seed)
    {
        using var scope = NewDisposeScope();
        var x = NegativeBinomial.FromProbs(r, tensor(p, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        Assert.Equal(float64, x.dtype);
        var m = new MathNetNegativeBinomial(r, 1 - p);
        long max = (long)(m.Mean + (12 * m.StdDev) + 20);
        var draws = x.data<double>().ToArray().Select(v => (long)v);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(draws, k => MathNetNegativeBinomial.PMF(r, 1 - p, (int)k), 0, max), $"NegativeBinomial({r}, {p})");
    }

    [Fact]
    public void MomentsMatchMathNet()
    {
        using var scope = NewDisposeScope();
        double[] rs = [0.5, 4.0, 30.0];
        double[] ps = [0.2, 0.5, 0.9];
        var d = NegativeBinomial.FromProbs(tensor(rs, dtype: float64), tensor(ps, dtype: float64));
        for (int i = 0; i < rs.Length; i++)
        {
            var m = new MathNetNegativeBinomial(rs[i], 1 - ps[i]);
            Assert.Equal(m.Mean, d.Mean[i].item<double>(), Math.Abs(m.Mean) * 1e-12);
            Assert.Equal(m.Variance, d.Variance[i].item<double>(), Math.Abs(m.Variance) * 1e-12);
        }

        Assert.Throws<NotSupportedException>(() => d.Entropy());
    }

    [Fact]
    public void BadParametersThrowNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => NegativeBinomial.FromLogits(tensor(new[] { 2.0, -3.5 }), zeros(2)));
        Assert.Contains("NegativeBinomial", e.Message, StringComparison.Ordinal);
        Assert.Contains("'totalCount'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-3.5", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => NegativeBinomial.FromProbs(2.0, tensor(new[] { 0.5, -0.25 })));
        Assert.Contains("'probs'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.25", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NegativeBinomial.FromProbs(2.0, tensor(1.0)));
    }

    [Fact]
    public void ValuesOutsideTheSupportThrow()
    {
        using var scope = NewDisposeScope();
        var d = NegativeBinomial.FromProbs(2.0, tensor(0.5));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(2.5)));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(-1.0)));
    }
}
