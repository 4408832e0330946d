using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

[Collection("Sequential")]
public sealed class InitStrategyTests
{
    private static readonly float[] Concentration = [1, 2, 3];

    /// <summary>A real, a positive, a unit-interval and a simplex latent; no observations needed.</summary>
    private static Tensor Model(int unused)
    {
        Sample("loc", new Normal(1.5, 2.0));
        Sample("rate", new Gamma(3.0, 2.0));
        Sample("p", new Beta(2.0, 6.0));
        return Sample("s", new Dirichlet(tensor(Concentration)));
    }

    /// <summary>The initial constrained values, read before any step: AutoDelta's points are the init values themselves.</summary>
    private static Dictionary<string, double[]> Initial(InitStrategy init)
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoDelta<int>(Model, init: init) { ParamStore = store };
        return guide.Median(0).ToDictionary(p => p.Key, p => GuideFit.Values(p.Value));
    }

    [Fact]
    public void ToValueGivesTheValues()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var loc = tensor(0.7f);
        using var rate = tensor(2.5f);
        var v = Initial(InitStrategies.ToValue(new Dictionary<string, Tensor> { ["loc"] = loc, ["rate"] = rate }, InitStrategies.ToFeasible()));
        Assert.Equal(0.7, v["loc"][0], 6);
        Assert.Equal(2.5, v["rate"][0], 6);
        Assert.Equal(0.5, v["p"][0], 6); // the fallback: feasible
    }

    [Fact]
    public void ToMeanGivesThePriorMeans()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        var v = Initial(InitStrategies.ToMean());
        Assert.Equal(1.5, v["loc"][0], 5);
        Assert.Equal(3.0 / 2.0, v["rate"][0], 5); // Gamma(α, β): α/β
        Assert.Equal(2.0 / 8.0, v["p"][0], 5); // Beta(a, b): a/(a+b)
        Assert.Equal([1 / 6.0, 2 / 6.0, 3 / 6.0], v["s"], (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void ToFeasibleGivesTheImageOfZero()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        var v = Initial(InitStrategies.ToFeasible());
        Assert.Equal(0.0, v["loc"][0], 6); // identity
        Assert.Equal(1.0, v["rate"][0], 6); // exp(0)
        Assert.Equal(0.5, v["p"][0], 6); // σ(0)
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0], v["s"], (a, b) => Math.Abs(a - b) < 1e-5); // stick-breaking maps 0 to the centre
    }

    [Fact]
    public void ToUniformStaysWithinTheRadiusInUnconstrainedSpace()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var threads = new SingleThread();
        manual_seed(11);
        var v = Initial(InitStrategies.ToUniform(0.5));
        Assert.InRange(v["loc"][0], -0.5, 0.5);
        Assert.InRange(Math.Log(v["rate"][0]), -0.5 - 1e-6, 0.5 + 1e-6);
        double logit = Math.Log(v["p"][0] / (1 - v["p"][0]));
        Assert.InRange(logit, -0.5 - 1e-5, 0.5 + 1e-5);
        using var s = tensor(v["s"].Select(d => (float)d).ToArray());
        using var u = Bijectors.BijectTo(Constraints.Simplex).Inverse(s);
        Assert.All(GuideFit.Values(u), x => Assert.InRange(x, -0.5 - 1e-5, 0.5 + 1e-5));
        Assert.Equal(1.0, v["s"].Sum(), 5);
    }

    [Fact]
    public void ToSampleDrawsFromThePrior()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        manual_seed(1);
        var a = Initial(InitStrategies.ToSample());
        manual_seed(2);
        var b = Initial(InitStrategies.ToSample());
        Assert.NotEqual(a["loc"][0], b["loc"][0]);
        foreach (var v in new[] { a, b })
        {
            Assert.True(v["rate"][0] > 0);
            Assert.InRange(v["p"][0], 0, 1);
            Assert.Equal(1.0, v["s"].Sum(), 5);
        }
    }

    [Fact]
    public void ToMedianIsNearThePriorMedian()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        manual_seed(3);
        var v = Initial(InitStrategies.ToMedian(15));

        // the median of 15 draws has standard error ≈ 1/(2 f(m) √15), f the density at the median m
        static double Se(double density) => 1 / (2 * density * Math.Sqrt(15));
        double gammaMedian = MathNet.Numerics.Distributions.Gamma.InvCDF(3, 2, 0.5);
        double gammaDensity = MathNet.Numerics.Distributions.Gamma.PDF(3, 2, gammaMedian);
        Assert.InRange(v["loc"][0], 1.5 - (5 * Se(1 / (2 * Math.Sqrt(2 * Math.PI)))), 1.5 + (5 * Se(1 / (2 * Math.Sqrt(2 * Math.PI)))));
        Assert.InRange(v["rate"][0], gammaMedian - (5 * Se(gammaDensity)), gammaMedian + (5 * Se(gammaDensity)));
        Assert.Equal(1.0, v["s"].Sum(), 5);
    }

    [Fact]
    public void AutoNormalStartsAtTheInitValueWithScaleOneTenth()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var loc = tensor(0.7f);
        using var guide = new AutoNormal<int>(Model, init: InitStrategies.ToValue(new Dictionary<string, Tensor> { ["loc"] = loc }, InitStrategies.ToFeasible())) { ParamStore = store };
        var median = guide.Median(0);
        Assert.Equal(0.7, median["loc"].item<float>(), 6);
        Assert.Equal(0.5, median["p"].item<float>(), 6); // the feasible fallback
        Assert.Equal(0.1, store["AutoNormal.scales.loc"].item<float>(), 6);
        Assert.Equal([2], store["AutoNormal.locs.s"].shape); // the simplex of 3 has 2 unconstrained coordinates
    }
}
