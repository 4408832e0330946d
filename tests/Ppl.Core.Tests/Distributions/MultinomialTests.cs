using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetBinomial = MathNet.Numerics.Distributions.Binomial;
using MathNetMultinomial = MathNet.Numerics.Distributions.Multinomial;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class MultinomialTests
{
    [Theory]
    [InlineData(1, new[] { 0.2, 0.3, 0.5 })]
    [InlineData(5, new[] { 0.2, 0.3, 0.5 })]
    [InlineData(12, new[] { 0.7, 0.1, 0.15, 0.05 })]
    [InlineData(30, new[] { 0.01, 0.99 })]
    public void LogProbMatchesMathNetOnEveryOutcome(int n, double[] p)
    {
        using var scope = NewDisposeScope();
        int[][] outcomes = [.. Compositions(n, p.Length)];
        var values = tensor(outcomes.SelectMany(o => o.Select(v => (long)v)).ToArray()).reshape(outcomes.Length, p.Length);
        var fromProbs = Multinomial.FromProbs(n, tensor(p, dtype: float64));
        var fromLogits = Multinomial.FromLogits(n, tensor(p.Select(v => Math.Log(v) + 3).ToArray(), dtype: float64));
        var lpFloat = fromProbs.LogProb(values.to(float64));
        var lpInt = fromProbs.LogProb(values);
        var lpLogits = fromLogits.LogProb(values.to(float64));
        Assert.Equal([outcomes.Length], lpFloat.shape);
        var m = new MathNetMultinomial(p, n);
        for (int i = 0; i < outcomes.Length; i++)
        {
            double expected = m.ProbabilityLn(outcomes[i]);
            double tol = (Math.Abs(expected) * 1e-10) + 1e-12;
            Assert.Equal(expected, lpFloat[i].item<double>(), tol);
            Assert.Equal(expected, lpInt[i].item<double>(), tol);
            Assert.Equal(expected, lpLogits[i].item<double>(), tol);
        }
    }

    [Fact]
    public void ZeroProbabilityCategoriesAndZeroTrialsAreHandled()
    {
        using var scope = NewDisposeScope();
        var d = Multinomial.FromProbs(4, tensor(new[] { 0.5, 0.0, 0.5 }, dtype: float64));
        var lp = d.LogProb(tensor(new[] { 1.0, 0.0, 3.0, 1.0, 1.0, 2.0 }, dtype: float64).reshape(2, 3));
        Assert.Equal(MathNetBinomial.PMFLn(0.5, 4, 1), lp[0].item<double>(), 1e-12);
        Assert.Equal(double.NegativeInfinity, lp[1].item<double>());
        var none = Multinomial.FromProbs(0, tensor(new[] { 0.3, 0.7 }, dtype: float64));
        Assert.Equal(0.0, none.LogProb(zeros(2, dtype: float64)).item<double>(), 1e-15);
        Assert.Equal(0.0, none.Sample(new Generator(1, CPU), 5).abs().sum().item<double>());
    }

    [Theory]
    [InlineData(3, new[] { 0.2, 0.3, 0.5 }, 1)]
    [InlineData(2, new[] { 0.05, 0.6, 0.25, 0.1 }, 2)]
    public void DrawsPassAChiSquareTestOnTheJointOutcome(int n, double[] p, int seed)
    {
        using var scope = NewDisposeScope();
        int[][] outcomes = [.. Compositions(n, p.Length)];
        var x = Multinomial.FromProbs(n, tensor(p, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        Assert.Equal([20_000, p.Length], x.shape);
        double[] flat = x.data<double>().ToArray();
        var index = new long[20_000];
        for (int s = 0; s < index.Length; s++)
        {
            int[] draw = [.. flat.Skip(s * p.Length).Take(p.Length).Select(v => (int)v)];
            index[s] = Array.FindIndex(outcomes, o => o.SequenceEqual(draw)); // −1 (outside) for an impossible draw
        }

        var m = new MathNetMultinomial(p, n);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(index, i => m.Probability(outcomes[i]), 0, outcomes.Length - 1), $"Multinomial({n}) joint");
    }

    [Theory]
    [InlineData(10, new[] { 0.2, 0.3, 0.5 }, 3)]
    [InlineData(250, new[] { 0.04, 0.5, 0.3, 0.16 }, 4)]
    public void DrawsPassChiSquareTestsOnTheFirstMarginalAndOnCategoryCounts(int n, double[] p, int seed)
    {
        using var scope = NewDisposeScope();
        const int draws = 20_000;
        var x = Multinomial.FromProbs(n, tensor(p, dtype: float64)).Sample(new Generator((ulong)seed, CPU), draws);
        Assert.True(x.sum(-1).eq(n).all().item<bool>(), "every draw sums to the total count");
        var first = x.select(-1, 0).data<double>().ToArray().Select(v => (long)v);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(first, k => MathNetBinomial.PMF(p[0], n, (int)k), 0, n), $"Multinomial({n}) first marginal");

        // the pooled category counts of independent draws are Multinomial(draws·n, p): one label per trial
        double[] totals = x.sum(dim: 0).data<double>().ToArray();
        var labels = totals.SelectMany((c, k) => Enumerable.Repeat((long)k, (int)c));
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(labels, k => p[k], 0, p.Length - 1), $"Multinomial({n}) category counts");
    }

    [Fact]
    public void MomentsMatchMathNet()
    {
        using var scope = NewDisposeScope();
        double[] p = [0.1, 0.6, 0.3];
        var d = Multinomial.FromProbs(7, tensor(p, dtype: float64));
        var m = new MathNetMultinomial(p, 7);
        for (int i = 0; i < p.Length; i++)
        {
            Assert.Equal(m.Mean[i], d.Mean[i].item<double>(), 1e-12);
            Assert.Equal(m.Variance[i], d.Variance[i].item<double>(), 1e-12);
        }

        Assert.Throws<NotSupportedException>(() => d.Entropy());
    }

    [Fact]
    public void BadParametersThrowNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Multinomial.FromProbs(-3, tensor(new[] { 0.5, 0.5 })));
        Assert.Contains("Multinomial", e.Message, StringComparison.Ordinal);
        Assert.Contains("'totalCount'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Multinomial.FromProbs(3, tensor(new[] { 0.5, -0.2, 0.7 })));
        Assert.Contains("Multinomial", e.Message, StringComparison.Ordinal);
        Assert.Contains("'probs'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Multinomial.FromLogits(3, tensor(1.0)));
    }

    [Fact]
    public void ValuesOutsideTheSupportThrow()
    {
        using var scope = NewDisposeScope();
        var d = Multinomial.FromProbs(3, tensor(new[] { 0.2, 0.3, 0.5 }));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 1.5f, 1.5f, 0f })));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { -1f, 2f, 2f })));
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 2f, 2f, 0f })));
    }

    private static IEnumerable<int[]> Compositions(int n, int k)
    {
        if (k == 1)
        {
            yield return [n];
            yield break;
        }

        for (int first = 0; first <= n; first++)
        {
            foreach (int[] rest in Compositions(n - first, k - 1))
            {
                yield return [first, .. rest];
            }
        }
    }
}
