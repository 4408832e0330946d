using Ppl.Causal;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>NOTEARS-MLP on a small nonlinear chain whose graph is known, its invariants and its input checks.</summary>
public sealed class NotearsMlpTests
{
    /// <summary>For tests of invariants that hold at every iterate, not only at the optimum: a few solver iterations keep them quick.</summary>
    private static readonly BoundedLbfgsOptions Capped = new() { MaxIterations = 30 };

    /// <summary>The chain 0 → 1 → 2 with x₁ = x₀² + z₁ and x₂ = 4σ(2x₁) + z₂, all noises N(0, 1), n = 200 (seeded).</summary>
    private static Tensor QuadraticChain(int seed)
    {
        var g = new Generator((ulong)seed);
        var z = randn(200, 3, dtype: float64, generator: g);
        var x0 = z[.., 0];
        var x1 = x0.square().add(z[.., 1]);
        var x2 = x1.mul(2).sigmoid().mul(4).add(z[.., 2]);
        return stack([x0, x1, x2], 1);
    }

    private static Tensor ChainStructure()
    {
        var b = zeros(3, 3, dtype: float64);
        b[0, 1] = tensor(1.0, dtype: float64);
        b[1, 2] = tensor(1.0, dtype: float64);
        return b;
    }

    [Fact]
    public void RecoversANonlinearChainExactly()
    {
        using var scope = NewDisposeScope();
        var result = NotearsMlp.Fit(QuadraticChain(1));
        var metrics = StructureMetrics.Compare(ChainStructure(), result.Weights);
        Assert.True(metrics.Shd == 0, $"SHD {metrics.Shd}, A = {result.RawWeights.ToString(TorchSharp.TensorStringStyle.Numpy)}");
        Assert.True(result.IsDag);
        Assert.True(result.ReachedHTolerance);
        Assert.True(result.HPerDualStep[^1] <= 1e-8);
        Assert.Equal(result.HPerDualStep.Count, result.RhoPerDualStep.Count);
        Assert.True(result.InnerSolves >= result.HPerDualStep.Count);
        Assert.Equal(result.HPerDualStep[^1], Acyclicity.Value(result.RawWeights), 1e-12);
    }

    [Fact]
    public void SelfInputsStayExactlyZeroAndTheThresholdOnlyZeroes()
    {
        using var scope = NewDisposeScope();
        var result = NotearsMlp.Fit(QuadraticChain(2), new NotearsMlpOptions { MaxDualSteps = 2, WeightThreshold = 0.2, Solver = Capped });
        Assert.Equal(0.0, result.RawWeights.diagonal().abs().max().item<double>());
        Assert.True(result.RawWeights.ge(0).all().item<bool>());
        var raw = result.RawWeights;
        Assert.True(result.Weights.eq(raw.masked_fill(raw.lt(0.2), 0.0)).all().item<bool>());
    }

    [Fact]
    public void TheSeedMakesAFitReproducible()
    {
        using var scope = NewDisposeScope();
        var x = QuadraticChain(3);
        var options = new NotearsMlpOptions { MaxDualSteps = 1, Seed = 7, Solver = Capped };
        var first = NotearsMlp.Fit(x, options);
        var second = NotearsMlp.Fit(x, options);
        var other = NotearsMlp.Fit(x, options with { Seed = 8 });
        Assert.True(first.RawWeights.eq(second.RawWeights).all().item<bool>());
        Assert.True(first.RawWeights.sub(other.RawWeights).abs().max().item<double>() > 1e-6);
    }

    [Fact]
    public void RepeatedFitsLeaveNoLiveTensors()
    {
        var x = QuadraticChain(4);
        var options = new NotearsMlpOptions { MaxDualSteps = 1, HiddenUnits = [3], Solver = Capped };
        void Exercise()
        {
            using var scope = NewDisposeScope();
            _ = NotearsMlp.Fit(x, options);
        }

        LiveTensors.AssertNoLeak(Exercise, checkScopeStatistics: true);
    }

    [Fact]
    public void BadInputsNameTheSiteTheShapeAndTheFix()
    {
        using var scope = NewDisposeScope();
        var oneD = Assert.Throws<ArgumentException>(() => NotearsMlp.Fit(zeros(10, dtype: float64)));
        Assert.Contains("NotearsMlp.Fit", oneD.Message, StringComparison.Ordinal);
        Assert.Contains("[10]", oneD.Message, StringComparison.Ordinal);
        Assert.Contains("samples in rows", oneD.Message, StringComparison.Ordinal);
        var oneRow = Assert.Throws<ArgumentException>(() => NotearsMlp.Fit(zeros(1, 3, dtype: float64)));
        Assert.Contains("[1, 3]", oneRow.Message, StringComparison.Ordinal);
        var withNaN = randn(5, 3, dtype: float64);
        withNaN[2, 1] = tensor(double.NaN, dtype: float64);
        var nan = Assert.Throws<ArgumentException>(() => NotearsMlp.Fit(withNaN));
        Assert.Contains("1 NaN", nan.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 3]", nan.Message, StringComparison.Ordinal);
        var noLayers = Assert.Throws<ArgumentException>(() => NotearsMlp.Fit(randn(5, 3, dtype: float64), new NotearsMlpOptions { HiddenUnits = [] }));
        Assert.Contains("HiddenUnits", noLayers.Message, StringComparison.Ordinal);
        var zeroWidth = Assert.Throws<ArgumentException>(() => NotearsMlp.Fit(randn(5, 3, dtype: float64), new NotearsMlpOptions { HiddenUnits = [4, 0] }));
        Assert.Contains("[4, 0]", zeroWidth.Message, StringComparison.Ordinal);
        var lambda = Assert.Throws<ArgumentException>(() => NotearsMlp.Fit(randn(5, 3, dtype: float64), new NotearsMlpOptions { Lambda2 = -1 }));
        Assert.Contains("Lambda2", lambda.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NotearsMlp.Fit(randn(5, 3, dtype: float64), new NotearsMlpOptions { MaxDualSteps = 0 }));
        Assert.Throws<ArgumentException>(() => NotearsMlp.Fit(randn(5, 3, dtype: float64), new NotearsMlpOptions { RhoMax = 1 }));
    }

    [Fact]
    public void AcceptsFloat32DataAndReturnsFloat64()
    {
        using var scope = NewDisposeScope();
        var result = NotearsMlp.Fit(QuadraticChain(5).to(float32), new NotearsMlpOptions { MaxDualSteps = 1, HiddenUnits = [3], Solver = Capped });
        Assert.Equal(ScalarType.Float64, result.Weights.dtype);
        Assert.Equal(new long[] { 3, 3 }, result.Weights.shape);
    }
}
