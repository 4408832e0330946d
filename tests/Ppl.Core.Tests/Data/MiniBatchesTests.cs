using Ppl.Data;
using Ppl.Handlers;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Data;

/// <summary>
/// Minibatches: every epoch is a permutation of the rows cut into batches, fixed by the seed and
/// the epoch; a batch's plate scales its sites so the log-density estimates the full data set's.
/// </summary>
public sealed class MiniBatchesTests
{
    [Theory]
    [InlineData(10, 3, true)]
    [InlineData(10, 3, false)]
    [InlineData(12, 4, true)]
    [InlineData(1, 1, true)]
    [InlineData(7, 7, false)]
    public void AnEpochVisitsEveryRowOnce(long size, long batchSize, bool shuffle)
    {
        var batches = new MiniBatches(size, batchSize, shuffle, seed: 3);
        var epoch = batches.Epoch(0).ToList();

        Assert.Equal(batches.BatchesPerEpoch, epoch.Count);
        Assert.Equal((size + batchSize - 1) / batchSize, epoch.Count);
        Assert.All(epoch.SkipLast(1), b => Assert.Equal(batchSize, b.Count));
        Assert.Equal(size - ((epoch.Count - 1) * batchSize), epoch[^1].Count);
        Assert.Equal(Enumerable.Range(0, (int)size).Select(i => (long)i), epoch.SelectMany(b => b.Rows).Order());
        Assert.Equal(Enumerable.Range(0, epoch.Count), epoch.Select(b => b.Number));
        Assert.All(epoch, b => Assert.Equal((size, 0), (b.DataSize, b.Epoch)));
    }

    [Fact]
    public void WithoutShuffleTheRowsComeInOrder()
    {
        var rows = new MiniBatches(10, 4, shuffle: false).Epoch(5).SelectMany(b => b.Rows);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), rows);
    }

    [Fact]
    public void DropLastLeavesOutTheSmallerBatch()
    {
        var batches = new MiniBatches(10, 3, dropLast: true, seed: 1);
        var epoch = batches.Epoch(2).ToList();

        Assert.Equal(3, batches.BatchesPerEpoch);
        Assert.Equal(3, epoch.Count);
        Assert.All(epoch, b => Assert.Equal(3, b.Count));
        Assert.Equal(9, epoch.SelectMany(b => b.Rows).Distinct().Count());
    }

    [Fact]
    public void TheSeedAndTheEpochFixTheOrder()
    {
        long[] Rows(int seed, int epoch) => [.. new MiniBatches(1000, 100, seed: seed).Epoch(epoch).SelectMany(b => b.Rows)];

        Assert.Equal(Rows(7, 4), Rows(7, 4));
        Assert.NotEqual(Rows(7, 4), Rows(7, 5));
        Assert.NotEqual(Rows(7, 4), Rows(8, 4));
        Assert.NotEqual(Enumerable.Range(0, 1000).Select(i => (long)i), Rows(7, 4));
    }

    [Fact]
    public void ShuffledPositionsAreUniform()
    {
        // over 4,000 epochs, where row 0 lands among 8 rows is uniform: a chi-square test with 7 degrees of freedom
        var counts = new int[8];
        var batches = new MiniBatches(8, 8, seed: 11);
        for (int epoch = 0; epoch < 4000; epoch++)
        {
            counts[batches.Epoch(epoch).Single().Rows.ToList().IndexOf(0)]++;
        }

        double expected = 4000 / 8.0;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        // the 0.999 quantile of chi-square(7) is 24.32
        Assert.True(chi2 < 24.32, $"chi-square {chi2:F2} over positions {string.Join(", ", counts)}");
    }

    [Theory]
    [InlineData(0, 1, "size")]
    [InlineData(-3, 1, "size")]
    [InlineData(5, 0, "batchSize")]
    [InlineData(5, 6, "batchSize")]
    public void BadSizesAreRefusedByName(long size, long batchSize, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatches(size, batchSize));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void ANegativeEpochIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatches(5, 2).Epoch(-1));

    [Fact]
    public void SelectTakesTheBatchRowsInOrder()
    {
        using var scope = NewDisposeScope();
        var data = arange(20, dtype: ScalarType.Float64).reshape(10, 2);
        var batch = new MiniBatches(10, 4, seed: 2).Epoch(1).First();

        var selected = batch.Select(data);

        Assert.Equal(new long[] { 4, 2 }, selected.shape);
        var expected = batch.Rows.SelectMany(r => new[] { 2.0 * r, (2.0 * r) + 1 }).ToArray();
        Assert.Equal(expected, selected.data<double>().ToArray());
    }

    [Fact]
    public void SelectRefusesDataOfAnotherSize()
    {
        using var scope = NewDisposeScope();
        var batch = new MiniBatches(10, 4).Epoch(0).First();

        var e = Assert.Throws<ArgumentException>(() => batch.Select(zeros(9, 2)));
        Assert.Contains("[9, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains("10 rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBatchPlateScalesSitesToTheFullDataSet()
    {
        using var scope = NewDisposeScope();
        var y = linspace(-2, 2, 50, dtype: ScalarType.Float64);
        var batch = new MiniBatches(50, 8, seed: 5).Epoch(3).Skip(2).First();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var plate = batch.Plate("data");
            Primitives.Sample("y", new Ppl.Distributions.Normal(tensor(0.5, dtype: ScalarType.Float64), tensor(1.5, dtype: ScalarType.Float64)), obs: batch.Select(y));
        }

        var ys = y.data<double>().ToArray();
        double expected = 50.0 / 8 * batch.Rows.Sum(r => MathNormal.PDFLn(0.5, 1.5, ys[r]));
        Assert.Equal(50.0 / 8, tracer.Trace["y"].Scale);
        Assert.Equal(expected, tracer.Trace.LogProbSum().item<double>(), 1e-9 * Math.Abs(expected));
    }

    [Fact]
    public void AnEpochHoldsNoNativeMemory()
    {
        using var scope = NewDisposeScope();
        var data = randn(100, 3);
        var batches = new MiniBatches(100, 16, seed: 9);
        long before = LiveTensors.Count();
        foreach (var batch in batches.Epoch(0))
        {
            using var step = NewDisposeScope();
            _ = batch.Select(data).sum();
        }

        Assert.Equal(before, LiveTensors.Count());
    }
}
