using Ppl.Distributions;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Inference.Guides;

[Collection("Sequential")]
public sealed class MedianQuantileTests
{
    private static readonly double[] Qs = [0.1, 0.5, 0.9];

    /// <summary>A positive scalar, a real vector of 3 (one event) and a real local in a plate of 4.</summary>
    private static Tensor Model(int unused)
    {
        Sample("rate", new Gamma(3.0, 2.0));
        Sample("v", new Normal(zeros(3), 1.0).ToEvent(1));
        using var plate = Plate("data", 4);
        return Sample("z", new Normal(0.0, 1.0));
    }

    [Fact]
    public void AutoNormalMedianQuantilesAndPosterior()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoNormal<int>(Model) { ParamStore = store };
        guide.Median(0); // creates the parameters
        store.SetUnconstrained("AutoNormal.locs.rate", tensor(0.3f));
        store.SetUnconstrained("AutoNormal.scales.rate", tensor((float)Math.Log(0.5))); // positive: stored as log
        store.SetUnconstrained("AutoNormal.locs.v", tensor(new[] { 1f, -2f, 0.5f }));
        store.SetUnconstrained("AutoNormal.scales.v", tensor(new[] { 0.2f, 1f, 3f }).log());

        var median = guide.Median(0);
        Assert.Equal(Math.Exp(0.3), median["rate"].item<float>(), 5);
        Assert.Equal([3], median["v"].shape);
        Assert.Equal([4], median["z"].shape);

        var q = guide.Quantiles(0, Qs);
        Assert.Equal([3], q["rate"].shape);
        Assert.Equal([3, 3], q["v"].shape);
        Assert.Equal([3, 4], q["z"].shape);
        var rate = GuideFit.Values(q["rate"]);
        var v = GuideFit.Values(q["v"]);
        double[] vLoc = [1, -2, 0.5], vScale = [0.2, 1, 3];
        for (int i = 0; i < Qs.Length; i++)
        {
            Assert.Equal(Math.Exp(MathNormal.InvCDF(0.3, 0.5, Qs[i])), rate[i], 4);
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(MathNormal.InvCDF(vLoc[j], vScale[j], Qs[i]), v[(3 * i) + j], 4);
            }
        }

        var posterior = guide.GetPosterior(0);
        Assert.IsType<TransformedDistribution>(posterior["rate"]);
        Assert.Equal([3], posterior["v"].EventShape);
        Assert.Equal([4], posterior["z"].BatchShape);
    }

    [Fact]
    public void AutoDeltaQuantilesRepeatThePoint()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoDelta<int>(Model, init: InitStrategies.ToFeasible()) { ParamStore = store };
        var median = guide.Median(0);
        Assert.Equal(1.0, median["rate"].item<float>(), 6);
        var q = guide.Quantiles(0, Qs);
        Assert.Equal([3, 3], q["v"].shape);
        Assert.All(GuideFit.Values(q["rate"]), r => Assert.Equal(1.0, r, 6));
        Assert.IsType<Delta>(guide.GetPosterior(0)["z"]);
    }

    [Fact]
    public void AutoMultivariateNormalQuantilesUseTheMarginalScales()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoMultivariateNormal<int>(Model, init: InitStrategies.ToFeasible()) { ParamStore = store };
        guide.Median(0);
        Assert.Equal(8, guide.LatentDim); // rate 1 + v 3 + z 4

        // L with a known first row block: Σ₀₀ = 0.25, Σ₁₁ = 0.3² + 0.4² = 0.25 → marginal sd 0.5 each
        var l = eye(8).mul(0.1f);
        l[0, 0] = tensor(0.5f);
        l[1, 0] = tensor(0.3f);
        l[1, 1] = tensor(0.4f);
        var loc = zeros(8);
        loc[0] = tensor(0.2f);
        store.SetUnconstrained("AutoMultivariateNormal.loc", loc);
        store.SetUnconstrained("AutoMultivariateNormal.scale_tril", Distributions.Transforms.Bijectors.BijectTo(Constraints.LowerCholesky).Inverse(l));

        var posterior = Assert.IsType<MultivariateNormal>(guide.GetPosterior(0));
        Assert.Equal([8], posterior.EventShape);
        var q = guide.Quantiles(0, Qs);
        var rate = GuideFit.Values(q["rate"]);
        var v = GuideFit.Values(q["v"]);
        for (int i = 0; i < Qs.Length; i++)
        {
            Assert.Equal(Math.Exp(MathNormal.InvCDF(0.2, 0.5, Qs[i])), rate[i], 4);
            Assert.Equal(MathNormal.InvCDF(0, 0.5, Qs[i]), v[3 * i], 4); // v₀ is packed coordinate 1
            Assert.Equal(MathNormal.InvCDF(0, 0.1, Qs[i]), v[(3 * i) + 1], 4);
        }

        Assert.Equal([3, 4], q["z"].shape);
        Assert.Equal(Math.Exp(0.2), guide.Median(0)["rate"].item<float>(), 5);
    }
}
