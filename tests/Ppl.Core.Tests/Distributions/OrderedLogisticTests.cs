using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// OrderedLogistic against a brute-force categorical whose probabilities are differences of the
/// logistic CDF at the cutpoints, computed here in doubles; and Pyro's shape and validation cases
/// (pyro tests/distributions/test_ordered_logistic.py and the fixture of tests/distributions/conftest.py).
/// </summary>
[Collection("Sequential")]
public sealed class OrderedLogisticTests
{
    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>P(k) for k = 0 … K by the logistic CDF: F(c_k − η) − F(c_{k−1} − η), F(−∞) = 0, F(+∞) = 1.</summary>
    private static double[] BruteForce(double predictor, double[] cutpoints) =>
        [.. Enumerable.Range(0, cutpoints.Length + 1).Select(k =>
            (k == cutpoints.Length ? 1.0 : Logistic(cutpoints[k] - predictor)) - (k == 0 ? 0.0 : Logistic(cutpoints[k - 1] - predictor)))];

    public static TheoryData<double[], double[], long[]> FixtureExamples => new()
    {
        { [0.0, 1.0, 2.0], [1.0], [1] },
        { [0.0, 1.0, 2.0], [-0.5, 0.5, 1.5, 2.5], [0, 1, 2, 3] },
        { [0.0, 1.0], [-0.5, 0.5, 1.5, -0.5, 0.5, 1.5], [0, 1, 2, 0, 1, 2] },
    };

    // ports the OrderedLogistic fixture of pyro tests/distributions/conftest.py (log_prob of its test_data)
    [Theory]
    [MemberData(nameof(FixtureExamples))]
    public void LogProbIsTheLogOfTheLogisticCdfDifference(double[] cutpoints, double[] predictor, long[] data)
    {
        using var scope = NewDisposeScope();
        var d = new OrderedLogistic(tensor(predictor, dtype: ScalarType.Float64), tensor(cutpoints, dtype: ScalarType.Float64));

        var lp = d.LogProb(tensor(data)).data<double>().ToArray();

        for (int i = 0; i < data.Length; i++)
        {
            Assert.Equal(Math.Log(BruteForce(predictor[i], cutpoints)[data[i]]), lp[i], 1e-12);
        }

        // every category of every row, and the masses sum to one
        for (int k = 0; k <= cutpoints.Length; k++)
        {
            var all = d.LogProb(full(predictor.Length, k, dtype: ScalarType.Int64)).data<double>().ToArray();
            for (int i = 0; i < predictor.Length; i++)
            {
                Assert.Equal(Math.Log(BruteForce(predictor[i], cutpoints)[k]), all[i], 1e-12);
            }
        }

        var probs = d.Probs.sum(-1).data<double>().ToArray();
        Assert.All(probs, p => Assert.Equal(1.0, p, 1e-12));
    }

    [Theory]
    [InlineData(-1.3, new[] { -2.0, -0.5, 0.0, 1.5 })]
    [InlineData(4.0, new[] { 0.3 })]
    public void DrawsFollowTheBruteForceProbabilities(double predictor, double[] cutpoints)
    {
        using var scope = NewDisposeScope();
        var d = new OrderedLogistic(tensor(predictor), tensor(cutpoints));
        var truth = BruteForce(predictor, cutpoints);

        var draws = d.Sample(new Generator(23, CPU), 50_000);

        Assert.Equal(ScalarType.Int64, draws.dtype);
        GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(draws.data<long>().ToArray(), k => truth[k], 0, cutpoints.Length), "OrderedLogistic draws");
    }

    [Fact]
    public void SmallTopTailKeepsItsMass()
    {
        using var scope = NewDisposeScope();
        var d = new OrderedLogistic(tensor(-30.0f), tensor(new[] { -1.0f, 0.0f }));

        // 1 − σ(30) rounds to 0 in float32; σ(−30) ≈ 9.4e-14 does not
        Assert.Equal(Math.Log(Logistic(-30)), d.LogProb(tensor(2L)).item<float>(), 1e-3);
    }

    public static TheoryData<int, long[]> SampleGrid()
    {
        var data = new TheoryData<int, long[]>();
        foreach (int n in new[] { 1, 5, 100 })
        {
            foreach (var shape in new long[][] { [1], [5], [5, 5], [1, 2, 3] })
            {
                data.Add(n, shape);
            }
        }

        return data;
    }

    // ports pyro tests/distributions/test_ordered_logistic.py::test_sample
    [Theory]
    [MemberData(nameof(SampleGrid))]
    public void Sample(int cutpointCount, long[] predictorShape)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)cutpointCount, CPU);
        var predictor = randn(predictorShape, generator: generator);
        var cutpoints = randn([cutpointCount], generator: generator).sort().Values;
        var d = new OrderedLogistic(predictor, cutpoints);

        var sample = d.Sample(generator, 100);

        Assert.Equal(predictorShape, sample.shape[1..]);
        Assert.True(sample.min().item<long>() >= 0);
        Assert.True(sample.max().item<long>() <= cutpointCount);
        Assert.Equal(Constraints.IntegerInterval(0, cutpointCount).ToString(), d.Support.ToString());
    }

    public static TheoryData<long[]> UnorderedCutpoints => [[1, 2, 3, 4, 0], [1, 2, 4, 3, 5], [1, 2, 3, 4, 4]];

    // ports pyro tests/distributions/test_ordered_logistic.py::test_constraints
    [Theory]
    [MemberData(nameof(UnorderedCutpoints))]
    public void Constraints_(long[] cutpoints)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new OrderedLogistic(randn(5), tensor(cutpoints)));
        Assert.Contains("cutpoints", e.Message, StringComparison.Ordinal);
        Assert.Contains("strictly increasing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonFiniteParametersAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("predictor", Assert.Throws<ArgumentException>(() => new OrderedLogistic(tensor(double.NaN), tensor(new[] { 0.0, 1.0 }))).Message, StringComparison.Ordinal);
        Assert.Contains("cutpoints", Assert.Throws<ArgumentException>(() => new OrderedLogistic(tensor(0.0), tensor(new[] { 0.0, double.PositiveInfinity }))).Message, StringComparison.Ordinal);
        Assert.Contains("at least one cutpoint", Assert.Throws<ArgumentException>(() => new OrderedLogistic(tensor(0.0), zeros(0))).Message, StringComparison.Ordinal);
        Assert.Contains("does not broadcast", Assert.Throws<ArgumentException>(() => new OrderedLogistic(zeros(3), zeros(4, 2).cumsum(-1).add(arange(2)))).Message, StringComparison.Ordinal);
    }

    // ports pyro tests/distributions/test_ordered_logistic.py::test_broadcast
    [Fact]
    public void Broadcast()
    {
        using var scope = NewDisposeScope();
        var predictor = randn(2, 3, 4);
        Tensor[] cutpointCases =
        [
            arange(5),
            arange(5).view(1, -1),
            stack(Enumerable.Repeat(arange(5), 4).ToArray()),
            Increasing(3, 4, 5),
            Increasing(2, 3, 4, 100),
        ];
        foreach (var cp in cutpointCases)
        {
            var d = new OrderedLogistic(predictor, cp);
            Assert.Equal([2L, 3, 4], d.BatchShape);
            Assert.Equal([2L, 3, 4], d.Sample().shape);
        }

        // more cutpoint dims than the predictor has: batches of cutpoints
        var batched = new OrderedLogistic(predictor, Increasing(10, 2, 3, 4, 5));
        Assert.Equal([10L, 2, 3, 4], batched.BatchShape);
        Assert.Equal([10L, 2, 3, 4], batched.Sample().shape);
    }

    // ports pyro tests/distributions/test_ordered_logistic.py::test_expand
    [Fact]
    public void Expand()
    {
        using var scope = NewDisposeScope();
        var d = new OrderedLogistic(randn(4, 5), Increasing(5, 6)).Expand(2, 3, 4, 5);

        Assert.Equal([2L, 3, 4, 5], d.BatchShape);
        Assert.Empty(d.EventShape);
        var sample = d.Sample(100);
        Assert.True(sample.le(6).all().item<bool>());
        Assert.IsType<OrderedLogistic>(d);
    }

    // ports pyro tests/distributions/test_ordered_logistic.py::test_autograd (cutpoints ordered by a
    // cumulative sum of exponentials in place of Pyro's OrderedTransform)
    [Fact]
    public void Autograd()
    {
        using var scope = NewDisposeScope();
        var predictor = randn(5).requires_grad_();
        var pre = randn(3).requires_grad_();
        var cutpoints = cat([pre.narrow(0, 0, 1), pre.narrow(0, 1, 2).exp()], 0).cumsum(0);
        var data = tensor(new[] { 0.0, 1.0, 2.0, 3.0, 0.0 });

        new OrderedLogistic(predictor, cutpoints).LogProb(data).sum().backward();

        Assert.True(predictor.grad!.ne(0).all().item<bool>());
        Assert.True(pre.grad!.ne(0).all().item<bool>());
    }

    /// <summary>
    /// Random cutpoints, strictly increasing along the last dim by construction: sorted normal draws can tie
    /// in float32 (a CI run drew a tie among 100 per row), which the constructor rightly refuses.
    /// </summary>
    private static Tensor Increasing(params long[] shape) => rand(shape).add(0.01).cumsum(-1).sub(shape[^1] * 0.5);
}
