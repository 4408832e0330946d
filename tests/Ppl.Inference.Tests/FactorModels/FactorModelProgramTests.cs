using Ppl.Inference.FactorModels;
using Ppl.Params;
using Ppl.Testing;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.FactorModels;

/// <summary>The factor models' programs: sites, shapes, masks, the plate that subsamples units, and the meta device.</summary>
[Collection("Sequential")]
public sealed class FactorModelProgramTests
{
    public static TheoryData<string> Families => ["pca", "logistic", "poisson"];

    private static FactorModel Make(string family, int causes, int factors) => family switch
    {
        "pca" => new ProbabilisticPca(causes, factors),
        "logistic" => new LogisticFactorModel(causes, factors),
        _ => new PoissonFactorization(causes, factors),
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void SitesHaveTheDocumentedShapesAndHeldOutEntriesScoreNothing(string family)
    {
        using var scope = NewDisposeScope();
        var model = Make(family, causes: 7, factors: 3);
        var causes = rand(20, 7).lt(0.3).to(float32);
        var observed = HeldOutEntries.Draw(20, 7, 0.25, seed: 1);
        var batch = new Ppl.Data.MiniBatches(20, 5, seed: 2).Epoch(0).First();
        using var store = new ParamStore();
        using var active = store.Activate();
        Func<FactorData, object?> program = model.Model;
        var trace = program.GetTrace(new FactorData(batch, causes, observed));

        Assert.Equal([5L, 1L, 3L], trace[FactorModel.LatentSite].Value!.shape);
        var a = trace[FactorModel.CausesSite];
        Assert.True(a.IsObserved);
        Assert.Equal([5L, 7L], a.Value!.shape);
        var logProb = a.UnscaledLogProb();
        var held = batch.Select(observed).logical_not();
        Assert.Equal(0.0, logProb.masked_select(held).abs().sum().item<float>());
        Assert.True(logProb.masked_select(held.logical_not()).lt(0).all().item<bool>() || family == "pca");
        Assert.Equal(4.0, a.Scale, 12); // 20 units seen 5 at a time
        Assert.Equal([7L, 3L], trace[model.CauseLatentSites[0]].Value!.shape);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void WithoutFactorsThereIsNoLatentAndTheCausesAreIndependent(string family)
    {
        using var scope = NewDisposeScope();
        var model = Make(family, causes: 4, factors: 0);
        using var store = new ParamStore();
        using var active = store.Activate();
        Func<FactorData, object?> program = model.Model;
        var trace = program.GetTrace(FactorData.All(ones(6, 4)));
        Assert.False(trace.Contains(FactorModel.LatentSite));
        Assert.Empty(model.CauseLatentSites);
        Assert.Equal([6L, 4L], trace[FactorModel.CausesSite].Value!.shape);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void ProgramRunsOnTheMetaDevice(string family)
    {
        using var scope = NewDisposeScope();
        var model = Make(family, causes: 5, factors: 2);
        using var store = new ParamStore();
        using var active = store.Activate();
        Func<FactorData, object?> program = model.Model;
        var causes = empty(8, 5, device: new Device("meta"));
        var trace = program.GetTrace(FactorData.All(causes, empty(8, 5, dtype: ScalarType.Bool, device: new Device("meta"))));
        Assert.Equal(DeviceType.META, trace[FactorModel.CausesSite].UnscaledLogProb().device_type);
        Assert.Equal([8L, 5L], trace[FactorModel.CausesSite].UnscaledLogProb().shape);
    }

    [Fact]
    public void ShapesAndMasksThatDoNotFitAreErrorsThatSaySo()
    {
        using var scope = NewDisposeScope();
        var model = new LogisticFactorModel(5, 2);
        using var store = new ParamStore();
        using var active = store.Activate();
        Func<FactorData, object?> program = model.Model;
        var e = Assert.Throws<ModelExecutionException>(() => program.GetTrace(FactorData.All(ones(4, 6))));
        Assert.Contains("[4, 5]", Assert.IsType<ArgumentException>(e.InnerException).Message, StringComparison.Ordinal);
        var m = Assert.Throws<ModelExecutionException>(() => program.GetTrace(FactorData.All(ones(4, 5), ones(4, 5))));
        Assert.Contains("bool", Assert.IsType<ArgumentException>(m.InnerException).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogisticFactorModel(5, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonFactorization(5, 1, shape: 0));
    }

    [Fact]
    public void HeldOutEntriesHoldOutTheFractionAskedFromTheSeed()
    {
        using var scope = NewDisposeScope();
        var mask = HeldOutEntries.Draw(400, 50, 0.2, seed: 9);
        Assert.Equal(ScalarType.Bool, mask.dtype);
        double held = mask.logical_not().to(float64).mean().item<double>();
        Assert.InRange(held, 0.2 - (4 * Math.Sqrt(0.16 / 20_000)), 0.2 + (4 * Math.Sqrt(0.16 / 20_000)));
        Assert.True(mask.equal(HeldOutEntries.Draw(400, 50, 0.2, seed: 9)).all().item<bool>());
        Assert.False(mask.equal(HeldOutEntries.Draw(400, 50, 0.2, seed: 10)).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => HeldOutEntries.Draw(10, 10, 1.0, seed: 0));
    }
}
