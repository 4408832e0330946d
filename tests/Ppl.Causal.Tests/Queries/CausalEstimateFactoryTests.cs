using Ppl.Causal;
using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Queries;

/// <summary>
/// The one result type for estimates from data: <see cref="CausalEstimate.OfMean"/> (independent
/// equal draws, classical standard error), <see cref="CausalEstimate.Exact"/> (a known value) and
/// weighted draws (the delta-method error of a self-normalized estimate).
/// </summary>
public sealed class CausalEstimateFactoryTests
{
    [Fact]
    public void OfMeanIsTheSampleMeanWithTheClassicalStandardError()
    {
        using var scope = NewDisposeScope();
        double[] x = [1, 0, 0, 1, 1, 3.5, -2];
        var estimate = CausalEstimate.OfMean(tensor(x, dtype: float32));
        double mean = x.Average();
        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        Assert.Equal(mean, estimate.Value, 6);
        Assert.Equal(sd / Math.Sqrt(x.Length), estimate.StandardError, 6);
        Assert.Equal(x.Length, estimate.Draws);
        Assert.Equal(x.Length, estimate.EffectiveSampleSize, 9);
        Assert.Equal(0, estimate.BiasCorrection);
        Assert.Equal(x.Sum(v => (v - mean) * (v - mean)) / x.Length, estimate.Variance, 6);
        Assert.Equal([-2.0, 3.5], estimate.Quantiles(0.01, 0.99));
        Assert.Equal(ScalarType.Float64, estimate.Samples.Values.dtype);
    }

    [Fact]
    public void OfMeanFlattensAndNeedsTwoDraws()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(4, CausalEstimate.OfMean(ones(2, 2)).Draws);
        Assert.Throws<ArgumentException>(() => CausalEstimate.OfMean(ones(1)));
    }

    [Fact]
    public void AnExactValueHasNoStandardErrorAndNoSpread()
    {
        using var scope = NewDisposeScope();
        var exact = CausalEstimate.Exact(0.4055);
        Assert.Equal(0.4055, exact.Value);
        Assert.Equal(0, exact.StandardError);
        Assert.Equal(0, exact.Variance);
        Assert.Equal(1, exact.Draws);
        Assert.Equal([0.4055, 0.4055], exact.Quantiles(0.05, 0.95));
    }

    [Fact]
    public void WeightedDrawsGiveTheSelfNormalizedEstimateAndItsDeltaMethodError()
    {
        // Σ W G / Σ W and √(Σ W² (G − est)²) / Σ W, as weighted importance sampling writes them
        using var scope = NewDisposeScope();
        double[] g = [1, 0, 1, 1, 0], w = [0.5, 2, 1, 0.25, 3];
        var estimate = new CausalEstimate(new WeightedSamples(tensor(g, dtype: float64), tensor(w, dtype: float64)));
        double total = w.Sum(), value = w.Zip(g, (a, b) => a * b).Sum() / total;
        double se = Math.Sqrt(w.Zip(g, (a, b) => a * a * (b - value) * (b - value)).Sum()) / total;
        Assert.Equal(value, estimate.Value, 12);
        Assert.Equal(se, estimate.StandardError, 12);
        Assert.Equal(total * total / w.Sum(a => a * a), estimate.EffectiveSampleSize, 9);
    }
}
