using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>Linear NOTEARS on the population loss, where the answer is known exactly, and its input checks.</summary>
public sealed class NotearsTests
{
    /// <summary>W₀: the chain 0 → 1 → 2 → 4 with the collider 1 → 2 ← 3.</summary>
    private static Tensor ChainPlusCollider()
    {
        var w = zeros(5, 5, dtype: float64);
        w[0, 1] = tensor(1.2, dtype: float64);
        w[1, 2] = tensor(-0.8, dtype: float64);
        w[3, 2] = tensor(1.5, dtype: float64);
        w[2, 4] = tensor(0.9, dtype: float64);
        return w;
    }

    [Fact]
    public void PopulationLossRecoversTheChainPlusCollider()
    {
        using var scope = NewDisposeScope();
        var w0 = ChainPlusCollider();
        var result = Notears.FitCovariance(LinearSem.PopulationCovariance(w0), new NotearsOptions { Lambda1 = 0 });
        Assert.Equal(0, StructureMetrics.Compare(w0, result.Weights).Shd);
        double error = result.RawWeights.sub(w0).abs().max().item<double>();
        Assert.True(error < 0.05, $"max |Ŵ − W₀| = {error}");
        Assert.True(Acyclicity.Value(result.RawWeights) <= 1e-8);
        Assert.True(result.IsDag);
        Assert.True(result.ReachedHTolerance);
        Assert.Equal(result.HPerDualStep.Count, result.RhoPerDualStep.Count);
        Assert.Equal(result.HPerDualStep[^1], Acyclicity.Value(result.RawWeights), 1e-15);
    }

    [Fact]
    public void CentredDataWithThePopulationGramGivesTheSameEstimate()
    {
        // X = √d [Lᵀ; −Lᵀ] (2d rows, column means 0) has XᵀX/n = LLᵀ = Σ.
        using var scope = NewDisposeScope();
        var w0 = ChainPlusCollider();
        var sigma = LinearSem.PopulationCovariance(w0);
        var lt = linalg.cholesky(sigma).T;
        var x = cat([lt, lt.neg()], 0).mul(Math.Sqrt(5));
        var options = new NotearsOptions { Lambda1 = 0 };
        var fromData = Notears.Fit(x, options);
        var fromCovariance = Notears.FitCovariance(sigma, options);
        double gap = fromData.RawWeights.sub(fromCovariance.RawWeights).abs().max().item<double>();

        // The two second-moment matrices differ by rounding only, but the solver stops on scipy's
        // tolerances (projected gradient 1e-5, relative reduction 1e7·ε), so the paths part at the
        // 1e-3 level (measured 2.6e-3): the same answer to the accuracy the estimate has.
        Assert.True(gap < 0.01, $"max |Ŵ(X) − Ŵ(Σ)| = {gap}");
        Assert.True(fromData.RawWeights.sub(w0).abs().max().item<double>() < 0.05);
        Assert.True(fromData.Weights.ne(0).eq(w0.ne(0)).all().item<bool>());
    }

    [Fact]
    public void ThresholdZeroesSmallEntriesOfTheRawEstimate()
    {
        using var scope = NewDisposeScope();
        var w0 = ChainPlusCollider();
        var result = Notears.FitCovariance(LinearSem.PopulationCovariance(w0), new NotearsOptions { Lambda1 = 0.05, WeightThreshold = 0.3 });
        var raw = result.RawWeights;
        var expected = raw.masked_fill(raw.abs().lt(0.3), 0.0);
        Assert.True(result.Weights.eq(expected).all().item<bool>());
        Assert.Equal(0.0, raw.diagonal().abs().max().item<double>());
    }

    [Fact]
    public void ACyclicOutputIsReportedNotRepaired()
    {
        // One dual step at ρ = 1 leaves h well above the tolerance; with no threshold the estimate keeps both directions of some pair.
        using var scope = NewDisposeScope();
        var sigma = LinearSem.PopulationCovariance(ChainPlusCollider());
        var result = Notears.FitCovariance(sigma, new NotearsOptions { Lambda1 = 0, MaxDualSteps = 1, WeightThreshold = 0 });
        Assert.Single(result.HPerDualStep);
        Assert.True(result.HPerDualStep[0] > 1e-4);
        Assert.False(result.ReachedHTolerance);
        Assert.False(result.IsDag);
        Assert.False(Dag.IsDag(result.Weights));
        Assert.True(result.Weights.eq(result.RawWeights).all().item<bool>());
    }

    [Fact]
    public void BadInputsNameTheSiteAndTheShape()
    {
        using var scope = NewDisposeScope();
        var oneD = Assert.Throws<ArgumentException>(() => Notears.Fit(zeros(10, dtype: float64)));
        Assert.Contains("Notears.Fit", oneD.Message, StringComparison.Ordinal);
        Assert.Contains("[10]", oneD.Message, StringComparison.Ordinal);
        var oneRow = Assert.Throws<ArgumentException>(() => Notears.Fit(zeros(1, 3, dtype: float64)));
        Assert.Contains("[1, 3]", oneRow.Message, StringComparison.Ordinal);
        var withNaN = randn(5, 3, dtype: float64);
        withNaN[2, 1] = tensor(double.NaN, dtype: float64);
        var nan = Assert.Throws<ArgumentException>(() => Notears.Fit(withNaN));
        Assert.Contains("NaN", nan.Message, StringComparison.Ordinal);
        var logistic = Assert.Throws<ArgumentException>(() => Notears.Fit(randn(5, 3, dtype: float64), new NotearsOptions { Loss = NotearsLoss.Logistic }));
        Assert.Contains("binary", logistic.Message, StringComparison.Ordinal);
        var poisson = Assert.Throws<ArgumentException>(() => Notears.Fit(full(5, 3, -1.0, dtype: float64), new NotearsOptions { Loss = NotearsLoss.Poisson }));
        Assert.Contains("non-negative", poisson.Message, StringComparison.Ordinal);
        var covarianceLoss = Assert.Throws<ArgumentException>(() => Notears.FitCovariance(eye(3, dtype: float64), new NotearsOptions { Loss = NotearsLoss.Logistic }));
        Assert.Contains("Notears.Fit(X)", covarianceLoss.Message, StringComparison.Ordinal);
        var asymmetric = Assert.Throws<ArgumentException>(() => Notears.FitCovariance(tensor(new double[] { 1, 0.5, 0, 1 }, [2, 2], dtype: float64)));
        Assert.Contains("symmetric", asymmetric.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Notears.FitCovariance(eye(3, dtype: float64), new NotearsOptions { Lambda1 = -1 }));
        Assert.Throws<ArgumentException>(() => Notears.FitCovariance(eye(3, dtype: float64), new NotearsOptions { MaxDualSteps = 0 }));
    }

    [Fact]
    public void LogisticLossRunsOnBinaryDataAndKeepsTheDiagonalZero()
    {
        using var scope = NewDisposeScope();
        var random = new Random(4);
        var w0 = RandomDag.Weights(RandomDag.Structure(4, 3, RandomGraphType.ErdosRenyi, random), random, 2.0, 3.0);
        var x = LinearSem.Sample(w0, 500, SemNoise.Logistic, random);
        var result = Notears.Fit(x, new NotearsOptions { Loss = NotearsLoss.Logistic });
        Assert.Equal(0.0, result.RawWeights.diagonal().abs().max().item<double>());
        Assert.True(Acyclicity.Value(result.RawWeights) <= 1e-8);
        Assert.True(result.IsDag);
    }
}
