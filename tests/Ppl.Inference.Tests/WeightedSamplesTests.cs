using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>The weighted empirical distribution's statistics against sums and a brute-force weighted CDF on the host.</summary>
public sealed class WeightedSamplesTests
{
    private static double[] Host(Tensor t) => t.to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();

    /// <summary>min{ v : F(v) ≥ q } over the distinct draws v, F(v) = Σ_{xᵢ ≤ v} wᵢ / Σw: the definition, by brute force.</summary>
    private static double BruteForceQuantile(double[] x, double[] w, double q)
    {
        double total = w.Sum();
        foreach (double v in x.Distinct().Order())
        {
            double cdf = x.Zip(w).Where(p => p.First <= v).Sum(p => p.Second) / total;
            if (cdf >= q)
            {
                return v;
            }
        }

        return x.Max();
    }

    private static (double[] X, double[] W) Coordinate(double[] values, double[] weights, int coordinate, int stride) =>
        ([.. Enumerable.Range(0, weights.Length).Select(i => values[(i * stride) + coordinate])], weights);

    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 40)]
    [InlineData(3, 301)]
    public void QuantilesMatchTheBruteForceWeightedCdfPerCoordinate(int seed, int n)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var values = randn([n, 2, 3], dtype: ScalarType.Float64, generator: generator);
        var weights = rand([n], dtype: ScalarType.Float64, generator: generator).square(); // uneven, positive, unnormalized
        double[] levels = [0.01, 0.05, 0.37, 0.5, 0.95, 0.999];
        var quantiles = new WeightedSamples(values, weights).Quantiles(levels);
        Assert.Equal([levels.Length, 2, 3], quantiles.shape);

        double[] x = Host(values), w = Host(weights), got = Host(quantiles);
        for (int c = 0; c < 6; c++)
        {
            var (xc, wc) = Coordinate(x, w, c, 6);
            for (int k = 0; k < levels.Length; k++)
            {
                Assert.Equal(BruteForceQuantile(xc, wc, levels[k]), got[(k * 6) + c]);
            }
        }
    }

    [Fact]
    public void QuantilesOfTiedIntegerDrawsFollowTheCdfSteps()
    {
        using var scope = NewDisposeScope();
        var values = tensor(new long[] { 3, 1, 3, 2, 1, 3, 2, 2 });
        var weights = tensor(new[] { 0.1, 0.3, 0.05, 0.2, 0.0, 0.15, 0.1, 0.1 });
        double[] levels = [0.2, 0.29, 0.31, 0.6, 0.71, 0.99];
        double[] got = Host(new WeightedSamples(values, weights).Quantiles(levels));
        double[] x = Host(values), w = Host(weights);
        Assert.Equal(levels.Select(q => BruteForceQuantile(x, w, q)), got);
        Assert.Equal([1, 1, 2, 2, 3, 3], got); // F(1) = 0.3, F(2) = 0.7, F(3) = 1
    }

    [Fact]
    public void MeanVarianceAndStandardErrorAreTheWeightedSums()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        const int n = 500;
        var values = randn([n, 2], dtype: ScalarType.Float64, generator: generator).mul(3).add(1);
        var weights = rand([n], dtype: ScalarType.Float64, generator: generator);
        var samples = new WeightedSamples(values, weights);

        double[] x = Host(values), w = Host(weights), mean = Host(samples.Mean()), variance = Host(samples.Variance());
        double[] sd = Host(samples.StandardDeviation()), se = Host(samples.MeanStandardError());
        double total = w.Sum();
        for (int c = 0; c < 2; c++)
        {
            var (xc, _) = Coordinate(x, w, c, 2);
            double m = xc.Zip(w).Sum(p => p.First * p.Second) / total;
            double v = xc.Zip(w).Sum(p => p.Second * (p.First - m) * (p.First - m)) / total;
            double e = Math.Sqrt(xc.Zip(w).Sum(p => p.Second * p.Second * (p.First - m) * (p.First - m))) / total;
            Assert.Equal(m, mean[c], 1e-12);
            Assert.Equal(v, variance[c], 1e-11);
            Assert.Equal(Math.Sqrt(v), sd[c], 1e-12);
            Assert.Equal(e, se[c], 1e-13);
        }

        Assert.Equal(n, samples.Count);
        Assert.Equal([2L], samples.Shape);
        Assert.Equal(1.0, samples.Weights.sum().item<double>(), 1e-12);
    }

    [Fact]
    public void EffectiveSampleSizeIsKishs()
    {
        using var scope = NewDisposeScope();
        double[] w = [0.5, 2, 1, 0.25, 4, 0];
        var samples = new WeightedSamples(arange(6, dtype: ScalarType.Float64), tensor(w));
        double kish = w.Sum() * w.Sum() / w.Sum(v => v * v);
        Assert.Equal(kish, samples.EffectiveSampleSize().item<double>(), 1e-12);
        Assert.Equal(4.0, new WeightedSamples(arange(4, dtype: ScalarType.Float64), ones(4, dtype: ScalarType.Float64)).EffectiveSampleSize().item<double>(), 1e-12);
    }

    [Fact]
    public void WeightsThatDoNotMatchTheDrawsAreRejected()
    {
        using var scope = NewDisposeScope();
        var wrongLength = Assert.Throws<ArgumentException>(() => new WeightedSamples(zeros(5), ones(4)));
        Assert.Contains("shape [5]", wrongLength.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", wrongLength.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new WeightedSamples(zeros(5), ones(5, dtype: ScalarType.Int64)));
        Assert.Throws<ArgumentException>(() => new WeightedSamples(zeros(5), ones(5)).Quantiles(0.5, 1.0));
        Assert.Throws<ArgumentException>(() => new WeightedSamples(tensor(1.0), ones(1)));
    }
}
