using Ppl.Inference;
using static Ppl.Tests.Inference.PredictiveModels;
using static TorchSharp.torch;
using NormalDist = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Inference;

[Collection("Sequential")]
public sealed class PredictiveTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static double[] Column(Tensor t, int column) =>
        t.select(1, column).to(ScalarType.Float64).data<double>().ToArray();

    private static double[] Values(Tensor t) => t.to(ScalarType.Float64).contiguous().data<double>().ToArray();

    [Fact]
    public void FittedStoreHoldsTheKnownGuide()
    {
        using var scope = NewDisposeScope();
        using var store = FittedStore();
        Assert.Equal(2.0, store["loc"].item<float>(), 1e-6);
        Assert.Equal(0.5, store["scale"].item<float>(), 1e-6);
    }

    [Theory]
    [InlineData(false, 2000)]
    [InlineData(true, 4000)]
    public void GuidePredictiveMatchesTheClosedFormMarginal(bool parallel, int n)
    {
        using var scope = NewDisposeScope();
        using var store = FittedStore();
        var x = zeros(3);
        var predictive = new Predictive<Tensor>(Model, Guide, n, parallel: parallel, paramStore: store);
        var draws = predictive.Sample(x, seed: 11);

        // y = mu + ε with mu ~ N(2, 0.5²), ε ~ N(0, 1): y ~ N(2, 0.25 + 1); one entry per draw is independent
        var y = new NormalDist(2.0, Math.Sqrt(1.25));
        for (int column = 0; column < 3; column++)
        {
            double d = KolmogorovSmirnov.OneSample(Column(draws["y"], column), y.CumulativeDistribution);
            output.WriteLine($"parallel={parallel}: KS D(y[:, {column}]) = {d:F4}, threshold {KolmogorovSmirnov.Threshold(n):F4}");
            Assert.True(d < KolmogorovSmirnov.Threshold(n), $"KS D = {d} for y[:, {column}] (threshold {KolmogorovSmirnov.Threshold(n)})");
        }

        var mu = new NormalDist(2.0, 0.5);
        double dMu = KolmogorovSmirnov.OneSample(Values(draws["mu"]), mu.CumulativeDistribution);
        output.WriteLine($"parallel={parallel}: KS D(mu) = {dMu:F4}");
        Assert.True(dMu < KolmogorovSmirnov.Threshold(n), $"KS D = {dMu} for mu");
    }

    [Fact]
    public void SequentialAndParallelAgreeInDistribution()
    {
        using var scope = NewDisposeScope();
        using var store = FittedStore();
        var x = zeros(3);
        var sequential = new Predictive<Tensor>(Model, Guide, 2000, paramStore: store).Sample(x, seed: 3);
        var parallel = new Predictive<Tensor>(Model, Guide, 3000, parallel: true, paramStore: store).Sample(x, seed: 3);
        double d = KolmogorovSmirnov.TwoSample(Column(sequential["y"], 0), Column(parallel["y"], 0));
        output.WriteLine($"two-sample KS D = {d:F4}, threshold {KolmogorovSmirnov.Threshold(2000, 3000):F4}");
        Assert.True(d < KolmogorovSmirnov.Threshold(2000, 3000), $"two-sample KS D = {d}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResultsHavePyrosShape(bool parallel)
    {
        using var scope = NewDisposeScope();
        using var store = FittedStore();
        var draws = new Predictive<Tensor>(Model, Guide, 7, parallel: parallel, paramStore: store).Sample(zeros(3), seed: 0);
        Assert.Equal(["cond_mean", "mu", "twice", "y"], draws.Keys.Order());
        // (num_samples,) + (1,)·(plate nesting − batch rank) + plain shape: the scalars get the plate's 1
        Assert.Equal([7L, 1], draws["mu"].shape);
        Assert.Equal([7L, 1], draws["twice"].shape);
        Assert.Equal([7L, 3], draws["cond_mean"].shape);
        Assert.Equal([7L, 3], draws["y"].shape);
        Assert.Equal(Values(draws["mu"].mul(2)), Values(draws["twice"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PosteriorSamplesDriveTheirOwnDraws(bool parallel)
    {
        using var scope = NewDisposeScope();
        double[] mus = [-3, 0, 5, 10, 2.5];
        var samples = new Dictionary<string, Tensor> { ["mu"] = tensor(mus.Select(v => (float)v).ToArray()) };
        const int size = 400;
        var draws = new Predictive<Tensor>(Model, samples, parallel: parallel).Sample(zeros(size), seed: 5);

        Assert.False(draws.ContainsKey("mu")); // the posterior's own sites are not returned by default
        Assert.Equal([5L, size], draws["y"].shape);
        Assert.Equal([5L, size], draws["cond_mean"].shape);
        Assert.Equal([5L, 1], draws["twice"].shape);
        Assert.Equal(mus.Select(m => 2 * m), Values(draws["twice"]));
        for (int i = 0; i < mus.Length; i++)
        {
            Assert.All(Values(draws["cond_mean"][i]), v => Assert.Equal(mus[i], v));

            // y_ij ~ N(mu_i, 1): the draw's mean is within 5 standard errors of its own mu
            double mean = draws["y"][i].mean().item<float>();
            Assert.True(Math.Abs(mean - mus[i]) < 5 / Math.Sqrt(size), $"draw {i}: mean {mean} vs mu {mus[i]}");
        }
    }

    [Fact]
    public void PosteriorSampleCountMustMatchNumSamples()
    {
        using var scope = NewDisposeScope();
        var samples = new Dictionary<string, Tensor> { ["mu"] = zeros(4) };
        Assert.Throws<ArgumentException>(() => new Predictive<Tensor>(Model, samples, numSamples: 5));
        Assert.Equal(4, new Predictive<Tensor>(Model, samples).NumSamples);
    }

    [Fact]
    public void EmptyPosteriorSamplesGiveThePriorPredictive()
    {
        using var scope = NewDisposeScope();
        const int n = 3000;
        var draws = new Predictive<Tensor>(Model, new Dictionary<string, Tensor>(), numSamples: n, parallel: true).Sample(zeros(2), seed: 9);
        double d = KolmogorovSmirnov.OneSample(Values(draws["mu"]), new NormalDist(0, 1).CumulativeDistribution);
        Assert.True(d < KolmogorovSmirnov.Threshold(n), $"KS D = {d}");
        Assert.Equal([(long)n, 2], draws["y"].shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReturnSitesFilter(bool parallel)
    {
        using var scope = NewDisposeScope();
        using var store = FittedStore();
        var draws = new Predictive<Tensor>(Model, Guide, 5, returnSites: ["y", "twice"], parallel: parallel, paramStore: store).Sample(zeros(3));
        Assert.Equal(["twice", "y"], draws.Keys.Order());
        Assert.Throws<KeyNotFoundException>(() => new Predictive<Tensor>(Model, Guide, 5, returnSites: ["nope"], paramStore: store).Sample(zeros(3)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SeedGivesIdenticalResults(bool parallel)
    {
        using var scope = NewDisposeScope();
        using var store = FittedStore();
        var predictive = new Predictive<Tensor>(Model, Guide, 20, parallel: parallel, paramStore: store);
        var a = predictive.Sample(zeros(3), seed: 42);
        var b = predictive.Sample(zeros(3), seed: 42);
        var c = predictive.Sample(zeros(3), seed: 43);
        foreach (var name in a.Keys)
        {
            Assert.True(a[name].allclose(b[name], rtol: 0, atol: 0), name);
        }

        Assert.False(a["y"].allclose(c["y"]));
    }

    [Fact]
    public void ParallelRunsOnMeta()
    {
        using var scope = NewDisposeScope();
        var x = zeros(3, device: device("meta"));
        var draws = new Predictive<Tensor>(Model, Guide, 6, parallel: true).Sample(x, seed: 0);
        Assert.All(draws.Values, t => Assert.Equal(DeviceType.META, t.device.type));
        Assert.Equal([6L, 1], draws["mu"].shape);
        Assert.Equal([6L, 3], draws["y"].shape);
        Assert.Equal([6L, 3], draws["cond_mean"].shape);

        var samples = new Dictionary<string, Tensor> { ["mu"] = zeros(4, device: device("meta")) };
        var fromSamples = new Predictive<Tensor>(Model, samples, parallel: true).Sample(x);
        Assert.Equal([4L, 3], fromSamples["y"].shape);
        Assert.Equal([4L, 1], fromSamples["twice"].shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RepeatedCallsKeepTheTensorCountFlat(bool parallel)
    {
        using var store = FittedStore();
        using var x = zeros(3);
        using var mu = zeros(4);
        var samples = new Dictionary<string, Tensor> { ["mu"] = mu };
        var fromGuide = new Predictive<Tensor>(Model, Guide, 5, parallel: parallel, paramStore: store);
        var fromSamples = new Predictive<Tensor>(Model, samples, parallel: parallel);
        using (NewDisposeScope())
        {
            fromGuide.Sample(x, seed: 0);
            fromSamples.Sample(x, seed: 0);
        }

        long before = LiveTensors.Count();
        for (int i = 0; i < 5; i++)
        {
            using var scope = NewDisposeScope();
            var a = fromGuide.Sample(x, seed: i);
            var b = fromSamples.Sample(x);
            Assert.Equal(4, a.Count);
            Assert.Equal(3, b.Count);
        }

        Assert.Equal(before, LiveTensors.Count());
    }
}
