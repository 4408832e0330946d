using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// Cases of Pyro's tests/infer/test_predictive.py: every returned site has Pyro's shape
/// (num_samples,) + (1,)·(max_plate_nesting − batch rank) + value shape, in both modes, so
/// returned sites broadcast against each other. Pyro trains a guide with SVI first where only the
/// predictive step is under test; these ports fix the guide's parameters instead, so each value
/// assertion has a closed form.
/// </summary>
[Collection("Sequential")]
public sealed class PyroPredictiveTests
{
    private const int Vectorized = 10;

    // x: a 2-vector outside the plate; y_i ~ N(x₀, exp(x₁)) in a plate of 5 (test_shapes' model)
    private static object? ShapesModel(bool _)
    {
        var x = Sample("x", new Normal(0.0, 1.0).Expand(2).ToEvent(1));
        using var plate = Plate("plate", 5);
        var loc = x.select(-1, 0);
        var logScale = x.select(-1, 1);
        return Sample("y", new Normal(loc, logScale.exp()));
    }

    /// <summary>What Pyro's test computes by hand: the guide and the model replayed on it, both inside a plate of <see cref="Vectorized"/> at dim −2.</summary>
    private static Dictionary<string, long[]> VectorizedShapes(Func<bool, object?> model, Func<bool, object?> guide)
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> InPlate(Func<bool, object?> program) => a =>
        {
            using var plate = Plate("_vectorize", Vectorized, dim: -2);
            return program(a);
        };

        var guideTrace = InPlate(guide).GetTrace(false);
        var trace = InPlate(model).Replay(guideTrace).GetTrace(false);
        return trace.SampleSites.ToDictionary(s => s.Name, s => s.Value!.shape);
    }

    // ports pyro tests/infer/test_predictive.py::test_shapes
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TestShapes(bool parallel)
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoDiagonalNormal<bool>(ShapesModel);
        Dictionary<string, long[]> expected;
        using (store.Activate())
        {
            expected = VectorizedShapes(ShapesModel, guide.Guide);
        }

        var actual = new Predictive<bool>(ShapesModel, guide.Guide, Vectorized, returnSites: ["x", "y"], parallel: parallel, paramStore: store).Sample(false, seed: 0);
        Assert.Equal(["x", "y"], actual.Keys.Order());
        Assert.Equal([Vectorized, 1L, 2], expected["x"]);
        Assert.Equal([Vectorized, 5L], expected["y"]);
        Assert.Equal(expected["x"], actual["x"].shape);
        Assert.Equal(expected["y"], actual["y"].shape);

        // Pyro's shapes broadcast: y − x₀ is one row of 5 per draw
        Assert.Equal([Vectorized, 5L], actual["y"].sub(actual["x"].select(-1, 0)).shape);
    }

    // ports pyro tests/infer/test_predictive.py::test_deterministic
    // (a guide with known parameters instead of 100 SVI steps: x ~ N(2, 0.01²) everywhere, so x2 = x² ≈ 4)
    [Theory]
    [InlineData(true, new long[0])]
    [InlineData(true, new long[] { 2 })]
    [InlineData(false, new long[0])]
    [InlineData(false, new long[] { 2 })]
    public void TestDeterministic(bool withPlate, long[] eventShape)
    {
        using var scope = NewDisposeScope();
        Tensor InOptionalPlate(Func<Tensor> body)
        {
            if (!withPlate)
            {
                return body();
            }

            using var plate = Plate("plate", 3);
            return body();
        }

        object? Model(Tensor? y)
        {
            var x2 = InOptionalPlate(() =>
            {
                var x = Sample("x", new Normal(0.0, 1.0).Expand(eventShape).ToEvent(eventShape.Length));
                return Deterministic("x2", x.pow(2), eventDim: eventShape.Length);
            });

            Deterministic("x3", x2, eventDim: (int)x2.dim()); // Pyro's default event_dim is the value's rank
            return Sample("obs", new Normal(x2, 0.1).ToEvent((int)x2.dim()), obs: y);
        }

        object? Guide(Tensor? y) =>
            InOptionalPlate(() => Sample("x", new Normal(2.0, 0.01).Expand(eventShape).ToEvent(eventShape.Length)));

        var actual = new Predictive<Tensor?>(Model, Guide, 1000, returnSites: ["x2", "x3"]).Sample(null, seed: 1);
        long[] x2Batch = withPlate ? [3] : [];
        Assert.Equal([1000L, .. x2Batch, .. eventShape], actual["x2"].shape);

        // x3 is recorded outside the plate with all its dims as event dims: its batch rank is 0, so it gets the plate's 1
        long[] x3Batch = withPlate ? [1, 3] : [];
        Assert.Equal([1000L, .. x3Batch, .. eventShape], actual["x3"].shape);
        Assert.Equal(4.0, actual["x2"].mean().item<float>(), 0.4);
        Assert.Equal(4.0, actual["x3"].mean().item<float>(), 0.4);
        Assert.True(Same(withPlate ? actual["x3"].squeeze(1) : actual["x3"], actual["x2"]), "x3 is x2 (with the plate's 1 in front)");
    }

    // ports pyro tests/infer/test_predictive.py::test_posterior_predictive_svi_one_hot
    // (the guide's point mass is set at the true probabilities instead of fitted to 10000 draws)
    [Fact]
    public void TestPosteriorPredictiveSviOneHot()
    {
        using var scope = NewDisposeScope();
        var trueProbs = tensor(new[] { 0.15, 0.6, 0.25 });
        object? Model(Tensor? classes)
        {
            var probs = Sample("probs", new Dirichlet(full(3, 0.1, dtype: float64)));
            using var plate = Plate("classes", classes?.shape[0] ?? 1, dim: -1);
            return Sample("obs", OneHotCategorical.FromProbs(probs), obs: classes);
        }

        object? Guide(Tensor? classes) => Sample("probs", new Delta(trueProbs, eventDim: 1));

        var posterior = new Predictive<Tensor?>(Guide, new Dictionary<string, Tensor>(), numSamples: 10000).Sample(null, seed: 2);
        var draws = new Predictive<Tensor?>(Model, posterior).Sample(null, seed: 3)["obs"];
        Assert.Equal([10000L, 1, 3], draws.shape);
        var mean = draws.mean([0L]);
        Assert.True(mean.allclose(trueProbs.unsqueeze(0), rtol: 0.1, atol: 0), $"mean {mean.squeeze(0).str()} vs {trueProbs.str()}");
    }

    // ports pyro tests/infer/test_predictive.py::test_posterior_predictive_svi_manual_guide (Predictive, return_sites=["_RETURN"])
    // (the Beta guide's concentrations are set instead of fitted: phi ~ Beta(7, 3), so E[obs] = 400 · 0.7 = 280, as Pyro asserts)
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TestPosteriorPredictiveSviManualGuide(bool parallel)
    {
        using var scope = NewDisposeScope();
        var numTrials = full(5, 400.0, dtype: float64);
        var predictive = new Predictive<Tensor>(BinomialModel, BetaGuide, 10000, returnSites: [Predictive<Tensor>.ReturnSite], parallel: parallel);
        var returned = predictive.Sample(numTrials, seed: 4);
        Assert.Equal([Predictive<Tensor>.ReturnSite], returned.Keys);
        var values = returned[Predictive<Tensor>.ReturnSite];
        Assert.Equal([10000L, 5], values.shape);
        Assert.True(values.mean([0L]).allclose(full(5, 280.0, dtype: float64), rtol: 0.1, atol: 0));
    }

    [Fact]
    public void ReturnSiteMustBeATensor()
    {
        using var scope = NewDisposeScope();
        object? Model(bool _)
        {
            Sample("a", new Normal(0.0, 1.0));
            return "not a tensor";
        }

        var e = Assert.Throws<InvalidOperationException>(() => new Predictive<bool>(Model, new Dictionary<string, Tensor>(), numSamples: 2, returnSites: [Predictive<bool>.ReturnSite]).Sample(false));
        Assert.Contains("String", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PyroShapedPosteriorSamplesAreAccepted(bool parallel)
    {
        using var scope = NewDisposeScope();
        var mu = tensor(new[] { -3f, 0, 5, 10 });
        var plain = new Predictive<Tensor>(PredictiveModels.Model, new Dictionary<string, Tensor> { ["mu"] = mu }, parallel: parallel).Sample(zeros(3), seed: 5);
        var padded = new Predictive<Tensor>(PredictiveModels.Model, new Dictionary<string, Tensor> { ["mu"] = mu.reshape(4, 1) }, parallel: parallel).Sample(zeros(3), seed: 5);
        Assert.Equal([4L, 1], padded["twice"].shape);
        Assert.True(Same(padded["twice"], mu.mul(2).reshape(4, 1)));
        Assert.True(Same(padded["cond_mean"], mu.reshape(4, 1).expand(4, 3)));
        foreach (var name in plain.Keys)
        {
            Assert.True(Same(plain[name], padded[name]), name);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void GuidePredictiveOutputFeedsTheModelsPredictive(bool parallelFirst, bool parallelSecond)
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoDiagonalNormal<bool>(ShapesModel);
        var posterior = new Predictive<bool>(ShapesModel, guide.Guide, 6, returnSites: ["x"], parallel: parallelFirst, paramStore: store).Sample(false, seed: 6);
        Assert.Equal([6L, 1, 2], posterior["x"].shape);

        var draws = new Predictive<bool>(ShapesModel, posterior, returnSites: ["x", "y"], parallel: parallelSecond).Sample(false, seed: 7);
        Assert.True(Same(draws["x"], posterior["x"]), "the conditioned site comes back as given");
        Assert.Equal([6L, 5], draws["y"].shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PaddedSamplesAndTheReturnValueKeepTheTensorCountFlat(bool parallel)
    {
        using var numTrials = full(5, 400.0, dtype: float64);
        using var mu = zeros(4, 1); // Pyro-padded posterior samples of a scalar site
        var returning = new Predictive<Tensor>(BinomialModel, BetaGuide, 4, returnSites: [Predictive<Tensor>.ReturnSite, "phi"], parallel: parallel);
        var fromPadded = new Predictive<Tensor>(PredictiveModels.Model, new Dictionary<string, Tensor> { ["mu"] = mu }, parallel: parallel);
        using (NewDisposeScope())
        {
            returning.Sample(numTrials, seed: 0);
            fromPadded.Sample(numTrials.to(float32), seed: 0);
        }

        long before = LiveTensors.Count();
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            Assert.Equal(2, returning.Sample(numTrials, seed: i).Count);
            Assert.Equal(3, fromPadded.Sample(numTrials.to(float32), seed: i).Count);
        }

        Assert.Equal(before, LiveTensors.Count());
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Tensor BinomialModel(Tensor numTrials)
    {
        using var plate = Plate("data", numTrials.shape[0]);
        var phi = Sample("phi", new Uniform(zeros_like(numTrials[0]), ones_like(numTrials[0])));
        return Sample("obs", Binomial.FromProbs(numTrials, phi));
    }

    private static Tensor BetaGuide(Tensor numTrials)
    {
        var c1 = full(numTrials.shape[0], 7.0, dtype: numTrials.dtype);
        var c0 = full(numTrials.shape[0], 3.0, dtype: numTrials.dtype);
        using var plate = Plate("data", numTrials.shape[0]);
        return Sample("phi", new Beta(c1, c0));
    }
}
