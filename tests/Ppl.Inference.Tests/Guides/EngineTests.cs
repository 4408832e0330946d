using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

[Collection("Sequential")]
public sealed class EngineTests
{
    /// <summary>A global real and positive latent and a local latent in a subsampled plate, all on the data's device.</summary>
    private static Tensor Model(Tensor x)
    {
        var zero = zeros([], dtype: x.dtype, device: x.device);
        var mu = Sample("mu", new Normal(zero, zero.add(1)));
        var sigma = Sample("sigma", new Gamma(zero.add(2), zero.add(2)));
        using var data = Plate("data", x.shape[0], subsampleSize: 4);
        var z = Sample("z", new Normal(mu, sigma));
        return Sample("x", new Normal(z, zero.add(1)), obs: data.Subsample(x));
    }

    [Fact]
    public void OneSviStepRunsOnTheMetaDevice()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var scope = NewDisposeScope();
        var x = zeros(10, device: device("meta"));
        using var store = new ParamStore();
        using var guide = new AutoNormal<Tensor>(Model);
        using var opt = new Adam(0.01);
        var elbo = new TraceElbo { NumParticles = 2, VectorizeParticles = true };
        using (store.Activate())
        {
            elbo.DifferentiableLoss(Model, guide.Guide, x).backward();
        }

        opt.Step(store);
        Assert.Equal(
            new[] { "AutoNormal.locs.mu", "AutoNormal.scales.mu", "AutoNormal.locs.sigma", "AutoNormal.scales.sigma", "AutoNormal.locs.z", "AutoNormal.scales.z" }.Order(),
            store.Names.Order());
        Assert.All(store.Parameters, p => Assert.Equal(DeviceType.META, p.device.type));
        Assert.Equal([10], store["AutoNormal.locs.z"].shape);
    }

    /// <summary>Global latents only (joint guides do not subsample), on the data's device.</summary>
    private static Tensor Globals(Tensor x)
    {
        var zero = zeros([], dtype: x.dtype, device: x.device);
        var mu = Sample("mu", new Normal(zero, zero.add(1)));
        var sigma = Sample("sigma", new Gamma(zero.add(2), zero.add(2)));
        using var data = Plate("data", x.shape[0]);
        return Sample("x", new Normal(mu, sigma), obs: x);
    }

    [Theory]
    [InlineData("AutoDelta")]
    [InlineData("AutoDiagonalNormal")]
    [InlineData("AutoMultivariateNormal")]
    [InlineData("AutoLowRankMultivariateNormal")]
    public void OneSviStepOfOtherGuidesRunsOnTheMetaDevice(string kind)
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var scope = NewDisposeScope();
        var x = zeros(10, device: device("meta"));
        using var store = new ParamStore();
        using var guide = GuideKinds.Make<Tensor>(kind, Globals);
        using var opt = new Adam(0.01);
        var elbo = new TraceElbo { NumParticles = 2, VectorizeParticles = true };
        using (store.Activate())
        {
            elbo.DifferentiableLoss(Globals, guide.Guide, x).backward();
        }

        opt.Step(store);
        Assert.NotEmpty(store.Names);
        Assert.All(store.Parameters, p => Assert.Equal(DeviceType.META, p.device.type));
        using (store.Activate())
        {
            Assert.Equal([2], guide.Quantiles(x, 0.1, 0.9)["mu"].shape);
        }
    }

    [Fact]
    public void TensorCountIsFlatOverSviSteps()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = arange(10, dtype: ScalarType.Float32).div(5);
        using var guide = new AutoNormal<Tensor>(Model);
        var opt = new Adam(0.01);
        var svi = new Svi<Tensor>(Model, guide.Guide, opt, new TraceElbo { NumParticles = 3, VectorizeParticles = true }, seed: 1);
        svi.Fit(x, 20);

        // earlier tests' garbage must not be finalized during the count
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = LiveTensors.Count();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        svi.Fit(x, 200);
        Assert.Equal(before, LiveTensors.Count());
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        GuideFit.Release(svi);
    }

    [Fact]
    public void GuideListCombinesGuides()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = arange(10, dtype: ScalarType.Float32).div(5);
        using var list = new AutoGuideList<Tensor>(Model);
        list.Add(m => new AutoDelta<Tensor>(m), "sigma");
        list.Add(m => new AutoDiagonalNormal<Tensor>(m), "mu");
        list.Add(m => new AutoNormal<Tensor>(m), "z");
        var opt = new Adam(0.01);
        var svi = new Svi<Tensor>(Model, list.Guide, opt, new TraceElbo { NumParticles = 2, VectorizeParticles = true }, seed: 1);
        svi.Fit(x, 5);
        var names = svi.ParamStore.Names.ToHashSet();
        Assert.Contains("AutoDelta.locs.sigma", names);
        Assert.Contains("AutoDiagonalNormal.loc", names);
        Assert.Contains("AutoNormal.locs.z", names);
        Assert.DoesNotContain("AutoNormal.locs.mu", names);
        Assert.Equal([10], svi.ParamStore["AutoNormal.locs.z"].shape);
        Assert.Equal([1], svi.ParamStore["AutoDiagonalNormal.loc"].shape);
        using var scope = NewDisposeScope();
        var median = list.Median(x);
        Assert.Equal(["mu", "sigma", "z"], median.Keys.Order());
        Assert.Equal([2, 10], list.Quantiles(x, 0.25, 0.75)["z"].shape);
        GuideFit.Release(svi);
    }

    /// <summary>Two locals in one subsampled plate, to be covered by different members.</summary>
    private static Tensor TwoLocals(Tensor x)
    {
        using var data = Plate("data", x.shape[0], subsampleSize: 4);
        var a = Sample("a", new Normal(0.0, 1.0));
        var b = Sample("b", new Normal(0.0, 1.0));
        return Sample("x", new Normal(a.add(b), 1.0), obs: data.Subsample(x));
    }

    [Fact]
    public void GuideListMembersShareTheSubsampleOfAPlate()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = arange(10, dtype: ScalarType.Float32).div(5);
        using var list = new AutoGuideList<Tensor>(TwoLocals);
        list.Add(m => new AutoDelta<Tensor>(m), "a");
        list.Add(m => new AutoNormal<Tensor>(m), "b");
        var svi = new Svi<Tensor>(TwoLocals, list.Guide, new Adam(0.1), new TraceElbo(), seed: 1);
        using (svi.ParamStore.Activate())
        using (var scope = NewDisposeScope())
        {
            list.Median(x);
        }

        using var aBefore = svi.ParamStore["AutoDelta.locs.a"].detach().clone();
        using var bBefore = svi.ParamStore["AutoNormal.locs.b"].detach().clone();
        svi.Step(x);

        // one plate entry per run: both members move the same 4 of the 10 entries
        using var aMoved = svi.ParamStore["AutoDelta.locs.a"].detach().ne(aBefore);
        using var bMoved = svi.ParamStore["AutoNormal.locs.b"].detach().ne(bBefore);
        Assert.Equal(4, aMoved.sum().item<long>());
        Assert.True(aMoved.eq(bMoved).all().item<bool>());
        GuideFit.Release(svi);
    }
}
