using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// ExcisedCategorical: the categorical with categories in closed intervals removed, checked
/// against brute-force renormalization of softmax(logits). Ports
/// chirho tests/observational/test_excised.py (the excised categorical tests, full grid).
/// </summary>
[Collection("Sequential")]
public sealed class ExcisedCategoricalTests
{
    private static readonly double[][] LogitRows = [[0.1, 1.0, 2.0, 3.0], [0.3, 0.2, 0.1, 0.4]];

    /// <summary>ChiRho's logits grid: shapes (4,), (1, 4), (2, 4), (2, 1, 4).</summary>
    public static TheoryData<int, int> Grid
    {
        get
        {
            var data = new TheoryData<int, int>();
            for (int logits = 0; logits < 4; logits++)
            {
                for (int intervals = 0; intervals < 5; intervals++)
                {
                    data.Add(logits, intervals);
                }
            }

            return data;
        }
    }

    private static (Tensor Logits, double[][] Rows) Logits(int key) => key switch
    {
        0 => (tensor(LogitRows[0]), [LogitRows[0]]),
        1 => (tensor(LogitRows[0]).reshape(1, 4), [LogitRows[0]]),
        2 => (tensor(LogitRows.SelectMany(r => r).ToArray()).reshape(2, 4), LogitRows),
        _ => (tensor(LogitRows.SelectMany(r => r).ToArray()).reshape(2, 1, 4), LogitRows),
    };

    private static (long Low, long High)[] Intervals(int key) => key switch
    {
        0 => [(1, 2)],
        1 => [(0, 0)],
        2 => [(3, 3)],
        3 => [(0, 1), (2, 2)],
        _ => [],
    };

    private static double[] ExpectedProbs(double[] logits, (long Low, long High)[] cut)
    {
        double[] w = [.. logits.Select((l, k) => cut.Any(c => c.Low <= k && k <= c.High) ? 0 : Math.Exp(l))];
        double total = w.Sum();
        return [.. w.Select(x => x / total)];
    }

    private static (Tensor, Tensor)[] AsTensors((long Low, long High)[] cut) => [.. cut.Select(c => (tensor(c.Low), tensor(c.High)))];

    // ports test_excised_categorical_shapes_and_probs (4 logits x 5 interval sets, the last set empty)
    [Theory]
    [MemberData(nameof(Grid))]
    public void ShapesProbsSamplingAndLogProbAsInChiRho(int logitsKey, int intervalsKey)
    {
        using var scope = NewDisposeScope();
        var (logits, rows) = Logits(logitsKey);
        var cut = Intervals(intervalsKey);
        var d = ExcisedCategorical.FromLogits(logits, AsTensors(cut));
        Assert.Equal(logits.shape, d.Probs.shape);
        Assert.Equal(logits.shape, d.Logits.shape);
        var probs = d.Probs.reshape(-1, 4).to(float64);
        for (int r = 0; r < probs.shape[0]; r++)
        {
            double[] expected = ExpectedProbs(rows[r], cut);
            double[] actual = probs[r].data<double>().ToArray();
            for (int k = 0; k < 4; k++)
            {
                Assert.True(expected[k] == 0 ? actual[k] == 0 : Math.Abs(actual[k] - expected[k]) < 1e-6, $"row {r} category {k}: {actual[k]}, expected {expected[k]}");
            }
        }

        var samples = d.Sample(new Generator(7, CPU), 5000);
        Assert.Equal([5000L, .. logits.shape[..^1]], samples.shape);
        foreach (var (low, high) in cut)
        {
            Assert.False(samples.ge(low).logical_and(samples.le(high)).any().item<bool>());
        }

        for (long k = 0; k < 4; k++)
        {
            var lp = d.LogProb(tensor(k));
            bool excised = cut.Any(c => c.Low <= k && k <= c.High);
            Assert.True(excised ? lp.eq(double.NegativeInfinity).all().item<bool>() : lp.gt(double.NegativeInfinity).all().item<bool>(), $"category {k}");
        }
    }

    // ports test_excised_categorical_empirical_frequencies (as a chi-square test instead of a fixed 0.02 band)
    [Fact]
    public void DrawsFitTheRenormalizedProbabilities()
    {
        using var scope = NewDisposeScope();
        var d = ExcisedCategorical.FromLogits(tensor(LogitRows[0], dtype: float64), AsTensors([(1, 2)]));
        long[] draws = d.Sample(new Generator(11, CPU), 20_000).data<long>().ToArray();
        double[] expected = ExpectedProbs(LogitRows[0], [(1, 2)]);
        Assert.DoesNotContain(draws, k => k is 1 or 2);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(draws, k => expected[k], 0, 3), "excised [1, 2]");
    }

    // ports test_excised_categorical_expand
    [Fact]
    public void ExpandKeepsTheExcisionAndTheIntervalsTakeTheBatchShape()
    {
        using var scope = NewDisposeScope();
        var d = ExcisedCategorical.FromLogits(tensor(LogitRows[0]).reshape(1, 4), AsTensors([(1, 2)]));
        var e = Assert.IsType<ExcisedCategorical>(d.Expand(2, 3));
        Assert.Equal([2L, 3L, 4L], e.Logits.shape);
        Assert.Equal([2L, 3L, 4L], e.Probs.shape);
        foreach (var (low, high) in e.Intervals)
        {
            Assert.Equal([2L, 3L], low.shape);
            Assert.Equal([2L, 3L], high.shape);
        }

        Assert.True(e.Probs.sum(-1).sub(1).abs().max().item<double>() < 1e-12);
        var samples = e.Sample(new Generator(2, CPU), 5000);
        Assert.False(samples.ge(1).logical_and(samples.le(2)).any().item<bool>());
    }

    // ports test_excised_categorical_all_excised_error_category_indices
    [Fact]
    public void ABatchEntryWithEveryCategoryExcisedIsRejected()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 0.1, 0.2, 0.3, 0.4, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5 }).reshape(3, 4);
        var e = Assert.Throws<ArgumentException>(() => ExcisedCategorical.FromLogits(logits, [(tensor(new long[] { 1, 0, 0 }), tensor(new long[] { 1, 3, 2 }))]));
        Assert.Contains("every category excised in row [1]", e.Message, StringComparison.Ordinal);
    }

    // deliberate difference: ChiRho clamps interval ends into [0, K-1], so [5, 7] would excise category 3
    [Fact]
    public void AnIntervalOutsideTheCategoriesExcisesNothing()
    {
        using var scope = NewDisposeScope();
        var d = ExcisedCategorical.FromLogits(tensor(LogitRows[0], dtype: float64), AsTensors([(5, 7), (-3, -1)]));
        double[] expected = ExpectedProbs(LogitRows[0], []);
        double[] actual = d.Probs.data<double>().ToArray();
        for (int k = 0; k < 4; k++)
        {
            Assert.True(Math.Abs(actual[k] - expected[k]) < 1e-12, $"category {k}: {actual[k]}, expected {expected[k]}");
        }
    }

    [Fact]
    public void ProbsAreRenormalizedLikeLogits()
    {
        using var scope = NewDisposeScope();
        var d = ExcisedCategorical.FromProbs(tensor(new[] { 0.1, 0.2, 0.3, 0.4 }, dtype: float64), AsTensors([(0, 0)]));
        double[] actual = d.Probs.data<double>().ToArray();
        Assert.Equal(0.0, actual[0]);
        Assert.True(Math.Abs(actual[3] - (0.4 / 0.9)) < 1e-12);
    }
}
