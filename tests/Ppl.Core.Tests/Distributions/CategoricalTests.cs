using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// The categorical sampler: draws follow the probabilities (Pearson chi-square at the fixed seed;
/// a correct sampler fails one run in 1/<see cref="GoodnessOfFit.Alpha"/> = 1000 per check),
/// impossible categories are never drawn, batch rows keep their own probabilities, and a draw
/// costs memory linear in samples plus categories, not their product.
/// </summary>
[Collection("Sequential")]
public sealed class CategoricalTests
{
    private const int Draws = 50_000;

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void DrawsFitTheProbabilitiesAndSkipImpossibleCategories(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        double[] weights = [0.0, 3.0, 0.5, 0.0, 1e-3, 6.0, 0.0];
        double total = weights.Sum();
        var x = Categorical.FromProbs(tensor(weights, dtype: dtype)).Sample(new Generator(17, CPU), Draws);
        Assert.Equal(ScalarType.Int64, x.dtype);
        long[] draws = x.data<long>().ToArray();
        Assert.DoesNotContain(draws, k => weights[k] == 0);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(draws, k => weights[k] / total, 0, weights.Length - 1), $"{dtype} weights");
    }

    [Fact]
    public void LogitsWithMinusInfinityAreImpossibleCategories()
    {
        using var scope = NewDisposeScope();
        double[] logits = [double.NegativeInfinity, 0.0, double.NegativeInfinity, Math.Log(3), double.NegativeInfinity];
        var x = Categorical.FromLogits(tensor(logits)).Sample(new Generator(5, CPU), Draws).data<long>().ToArray();
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(x, k => k switch { 1 => 0.25, 3 => 0.75, _ => 0.0 }, 0, 4), "logits with -inf");
        Assert.DoesNotContain(x, k => k is 0 or 2 or 4);
    }

    [Fact]
    public void EachBatchRowDrawsFromItsOwnProbabilitiesInTheDrawLayout()
    {
        using var scope = NewDisposeScope();
        double[][] rows = [[0.7, 0.2, 0.1, 0.0], [0.0, 0.0, 0.0, 1.0], [0.25, 0.25, 0.25, 0.25]];
        var probs = tensor(rows.SelectMany(r => r).ToArray()).reshape(3, 4);
        var x = Categorical.FromProbs(probs).Sample(new Generator(9, CPU), 100, 200);
        Assert.Equal([100L, 200L, 3L], x.shape);
        var flat = x.reshape(-1, 3);
        for (int b = 0; b < rows.Length; b++)
        {
            var row = rows[b];
            long[] draws = flat.select(1, b).data<long>().ToArray();
            GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(draws, k => row[k], 0, 3), $"row {b}");
            Assert.DoesNotContain(draws, k => row[k] == 0);
        }
    }

    [Fact]
    public void ManyCategoriesFitTheirProbabilities()
    {
        using var scope = NewDisposeScope();
        const int k = 1000;
        var random = new Random(4);
        double[] weights = Enumerable.Range(0, k).Select(i => random.NextDouble() * (i % 100 == 0 ? 100 : 1)).ToArray();
        double total = weights.Sum();
        var x = Categorical.FromProbs(tensor(weights, dtype: float32)).Sample(new Generator(23, CPU), Draws).data<long>().ToArray();
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(x, i => weights[i] / total, 0, k - 1), "1000 categories");
    }

    [Fact]
    public void SampleShapeZeroGivesAnEmptyDraw()
    {
        using var scope = NewDisposeScope();
        var x = Categorical.FromLogits(zeros(2, 5)).Sample(new Generator(1, CPU), 0, 3);
        Assert.Equal([0L, 3L, 2L], x.shape);
    }

    [Fact]
    public void ADrawAllocatesMemoryLinearInSamplesAndCategories()
    {
        // the case: 100 draws from 10⁶ categories. Gumbel-max materialized several
        // [100, 10⁶] tensors (≈ 2.7 GB); every tensor the draw creates is counted here.
        const long k = 1_000_000, n = 100;
        using var outer = NewDisposeScope();
        var d = Categorical.FromLogits(randn(k, generator: new Generator(2, CPU)));
        long bytes;
        using (var scope = NewDisposeScope())
        {
            var x = d.Sample(new Generator(3, CPU), n);
            Assert.Equal([n], x.shape);
            Assert.True(x.ge(0).all().item<bool>() && x.lt(k).all().item<bool>());
            bytes = scope.DisposablesView.OfType<Tensor>().Sum(t => t.numel() * t.ElementSize);
        }

        long bound = 64 * (n + k); // a handful of float64 / int64 vectors of length n or K
        Assert.True(bytes <= bound, $"sampling allocated {bytes / 1e6:F1} MB, more than {bound / 1e6:F1} MB: O(samples × categories)?");
    }

    [Fact]
    public void DrawsOnMetaHaveTheDrawShapeAndDtype()
    {
        using var scope = NewDisposeScope();
        var meta = device("meta");
        var x = Categorical.FromLogits(zeros(new long[] { 3, 1_000_000 }, device: meta)).Sample(new Generator(1, meta), 100);
        Assert.Equal([100L, 3L], x.shape);
        Assert.Equal(ScalarType.Int64, x.dtype);
        Assert.Equal(DeviceType.META, x.device.type);
    }
}
