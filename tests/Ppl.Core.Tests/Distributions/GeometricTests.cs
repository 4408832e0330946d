using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetGeometric = MathNet.Numerics.Distributions.Geometric;

namespace Ppl.Tests.Distributions;

/// <summary>MathNet's geometric counts trials up to and including the first success (support from 1); ours counts failures, so k here is k + 1 there.</summary>
[Collection("Sequential")]
public sealed class GeometricTests
{
    [Fact]
    public void LogProbMatchesMathNetShiftedByOne()
    {
        using var scope = NewDisposeScope();
        long[] ks = [0, 1, 2, 7, 25, 100];
        foreach (double p in new[] { 0.01, 0.2, 0.5, 0.93 })
        {
            var fromProbs = Geometric.FromProbs(tensor(p, dtype: float64)).Expand(ks.Length);
            var fromLogits = Geometric.FromLogits(tensor(Math.Log(p) - Math.Log(1 - p), dtype: float64)).Expand(ks.Length);
            var lpFloat = fromProbs.LogProb(tensor(ks, dtype: float64));
            var lpInt = fromProbs.LogProb(tensor(ks));
            var lpLogits = fromLogits.LogProb(tensor(ks, dtype: float64));
            for (int i = 0; i < ks.Length; i++)
            {
                double expected = MathNetGeometric.PMFLn(p, (int)ks[i] + 1);
                double tol = (Math.Abs(expected) * 1e-10) + 1e-12;
                Assert.Equal(expected, lpFloat[i].item<double>(), tol);
                Assert.Equal(expected, lpInt[i].item<double>(), tol);
                Assert.Equal(expected, lpLogits[i].item<double>(), tol);
            }
        }
    }

    [Theory]
    [InlineData(0.2, 1)]
    [InlineData(0.7, 2)]
    [InlineData(0.03, 3)]
    public void SamplesPassAChiSquareTest(double p, int seed)
    {
        using var scope = NewDisposeScope();
        var x = Geometric.FromProbs(tensor(p, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        Assert.Equal(float64, x.dtype);
        long max = (long)Math.Ceiling(Math.Log(1e-6) / Math.Log(1 - p));
        var draws = x.data<double>().ToArray().Select(v => (long)v);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(draws, k => MathNetGeometric.PMF(p, (int)k + 1), 0, max), $"Geometric({p})");
    }

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        double[] ps = [0.05, 0.4, 0.9];
        var d = Geometric.FromProbs(tensor(ps, dtype: float64));
        for (int i = 0; i < ps.Length; i++)
        {
            var m = new MathNetGeometric(ps[i]);
            Assert.Equal(m.Mean - 1, d.Mean[i].item<double>(), 1e-10);
            Assert.Equal(m.Variance, d.Variance[i].item<double>(), 1e-9);

            // MathNet reports the entropy in bits; a shift leaves it unchanged
            Assert.Equal(m.Entropy * Math.Log(2), d.Entropy()[i].item<double>(), 1e-12);
        }
    }

    [Fact]
    public void ProbabilityOutsideTheHalfOpenUnitIntervalThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Geometric.FromProbs(tensor(new[] { 0.5, 1.25 })));
        Assert.Contains("Geometric", e.Message, StringComparison.Ordinal);
        Assert.Contains("'probs'", e.Message, StringComparison.Ordinal);
        Assert.Contains("1.25", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Geometric.FromProbs(tensor(0.0)));
    }

    [Fact]
    public void ValuesOutsideTheSupportThrow()
    {
        using var scope = NewDisposeScope();
        var d = Geometric.FromLogits(zeros(2));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 0.5f, 1f })));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { -1f, 1f })));
    }
}
