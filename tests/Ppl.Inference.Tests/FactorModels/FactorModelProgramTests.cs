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

    [Theory]
    [InlineData("pca")]
    [InlineData("logistic")]
    [InlineData("binomial")]
    [InlineData("poisson")]
    public void ReconstructedCausesAreEachEntrysMeanAtThePosteriorPoint(string family)
    {
        using var scope = NewDisposeScope();
        FactorModel model = family == "binomial" ? new LogisticFactorModel(6, 2, trials: 2) : Make(family, causes: 6, factors: 2);
        var causes = rand(30, 6, generator: new Generator(3)).mul(family == "pca" ? 2 : 1.6).floor().to(float32);
        using var fit = FactorModelFitting.Fit(model, causes, null, new FactorFitOptions { Epochs = 2, BatchSize = 10, Seed = 4 });
        var z = fit.SubstituteConfounders(causes, null, proposals: 0);
        var projected = z.unsqueeze(-2).mul(fit.CauseMedians()[FactorModel.LoadingsSite]).sum([-1L]); // Ẑ_i · θ̂_j, [30, 6]
        var expected = family switch
        {
            "pca" => projected.add(fit.Parameter(ProbabilisticPca.MeanParam)),
            "logistic" => projected.add(fit.Parameter(LogisticFactorModel.BiasParam)).sigmoid(),
            "binomial" => projected.add(fit.Parameter(LogisticFactorModel.BiasParam)).sigmoid().mul(2),
            _ => projected,
        };
        var reconstructed = fit.ReconstructedCauses(z);
        Assert.Equal([30L, 6L], reconstructed.shape);
        Assert.True(reconstructed.allclose(expected, rtol: 1e-5, atol: 1e-6), $"{family}: largest difference {reconstructed.sub(expected).abs().max().item<float>()}");
        Assert.Throws<ArgumentNullException>(() => fit.ReconstructedCauses(null));
    }

    [Fact]
    public void WithoutFactorsTheReconstructionIsEachCausesLevel()
    {
        using var scope = NewDisposeScope();
        var causes = rand(12, 3, generator: new Generator(5)).lt(0.4).to(float32);
        using var fit = FactorModelFitting.Fit(new LogisticFactorModel(3, 0), causes, null, new FactorFitOptions { Epochs = 1, Seed = 1 });
        var expected = fit.Parameter(LogisticFactorModel.BiasParam).sigmoid().expand(12, 3);
        Assert.True(fit.ReconstructedCauses(null).allclose(expected, rtol: 1e-6, atol: 1e-7));
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

    /// <summary>
    /// The importance-sampled quantities draw from their seed, not from TorchSharp's global generator, which
    /// every thread shares (xunit runs test classes in parallel; a user may run fits on several threads):
    /// the same seed gives the same Ẑ, held-out scores and check while another thread draws from the global
    /// generator, and another seed gives other draws.
    /// </summary>
    [Theory]
    [MemberData(nameof(Families))]
    public void SeededEstimatesIgnoreOtherThreadsDraws(string family)
    {
        using var scope = NewDisposeScope();
        var causes = rand(60, 8, generator: new Generator(5)).lt(0.3).to(float32);
        var observed = HeldOutEntries.Draw(60, 8, 0.2, seed: 6);
        using var fit = FactorModelFitting.Fit(Make(family, causes: 8, factors: 2), causes, observed, new FactorFitOptions { Epochs = 3 });
        (Tensor Z, double LogLikelihood, double Elbo, double P) Estimates(long seed) => (
            fit.SubstituteConfounders(causes, observed, proposals: 32, seed: seed),
            fit.HeldOutLogLikelihood(causes, observed, proposals: 32, seed: seed),
            fit.HeldOutElbo(causes, observed, particles: 8, seed: seed),
            HeldOutPredictiveCheck.Run(fit, replications: 10, seed: seed, proposals: 32).PValue);

        var first = Estimates(1);
        using var stop = new CancellationTokenSource();
        var noise = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var draw = randn(100);
            }
        });
        noise.Start();
        var again = Estimates(1);
        stop.Cancel();
        noise.Join();
        var other = Estimates(2);

        Assert.True(first.Z.equal(again.Z).all().item<bool>());
        Assert.Equal((first.LogLikelihood, first.Elbo, first.P), (again.LogLikelihood, again.Elbo, again.P));
        Assert.False(first.Z.equal(other.Z).all().item<bool>());
        Assert.NotEqual(first.LogLikelihood, other.LogLikelihood);
    }
}
