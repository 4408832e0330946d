using System.Reactive.Linq;
using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>The SVI loop: reproducibility, checkpoints, streaming, memory, devices and Pyro's model/guide checks.</summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class SviTests
{
    // y = X w + noise with w ~ N(0, I): Bayesian linear regression, D = 3
    private sealed record Data(Tensor X, Tensor Y);

    private static Data MakeData(Device device)
    {
        var gen = new Generator(42, CPU);
        var x = randn([50, 3], generator: gen);
        var y = x.matmul(tensor(new[] { 1.0f, -2.0f, 0.5f })).add(randn([50], generator: gen).mul(0.3f));
        return new Data(x.to(device), y.to(device));
    }

    private static Tensor Model(Data d)
    {
        var w = Sample("w", new Normal(zeros(3, device: d.X.device), 1.0).ToEvent(1));
        using var data = Plate("data", d.X.shape[0], device: d.X.device);
        return Sample("y", new Normal(d.X.mul(w).sum(-1), 0.3), obs: d.Y); // broadcasts over particle dims, unlike matmul
    }

    private static Tensor Guide(Data d)
    {
        var loc = Param("w_loc", () => zeros(3, device: d.X.device));
        var scale = Param("w_scale", () => full(3, 0.1f, device: d.X.device), Constraints.Positive);
        return Sample("w", new Normal(loc, scale).ToEvent(1));
    }

    private static Svi<Data> MakeSvi(Optimizer opt, long seed) => new(Model, Guide, opt, new TraceElbo(), seed: seed);

    [Fact]
    public void TheSameSeedGivesTheSameLossTrajectory()
    {
        var data = MakeData(CPU);
        using var o1 = new Adam(0.05);
        using var o2 = new Adam(0.05);
        using var o3 = new Adam(0.05);
        var a = MakeSvi(o1, 7).Fit(data, 40);
        var b = MakeSvi(o2, 7).Fit(data, 40);
        var c = MakeSvi(o3, 8).Fit(data, 40);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void ResumingFromACheckpointContinuesTheSameTrajectory()
    {
        var data = MakeData(CPU);
        string dir = Path.Combine(Path.GetTempPath(), "ppl-svi-checkpoint-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var o1 = new Adam(0.05);
            var straight = MakeSvi(o1, 3);
            straight.Fit(data, 20);
            straight.SaveCheckpoint(dir);
            var expected = straight.Fit(data, 20);

            using var o2 = new Adam(0.05);
            var resumed = MakeSvi(o2, 3);
            resumed.LoadCheckpoint(dir);
            Assert.Equal(20, resumed.StepCount);
            var actual = resumed.Fit(data, 20);
            Assert.Equal(expected, actual);
            Assert.True(straight.ParamStore["w_loc"].eq(resumed.ParamStore["w_loc"]).all().item<bool>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RunStreamsProgressAndStopsWhenTheSubscriberStops()
    {
        var data = MakeData(CPU);
        using var opt = new Adam(0.05);
        var svi = MakeSvi(opt, 1);
        var seen = svi.Run(data, 1000, paramNorms: true).TakeWhile(p => p.Step < 25).ToList().Wait();
        Assert.Equal(24, seen.Count);
        Assert.Equal(Enumerable.Range(1, 24).Select(i => (long)i), seen.Select(p => p.Step));
        Assert.True(svi.StepCount <= 25, $"the run went on for {svi.StepCount} steps after the subscriber stopped at 25");
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second.Elapsed >= p.First.Elapsed));
        Assert.Contains("w_scale", seen[^1].ParamNorms.Keys);
        Assert.All(seen, p => Assert.True(double.IsFinite(p.Loss)));
    }

    [Fact]
    public void EvaluateLeavesTheParametersAlone()
    {
        var data = MakeData(CPU);
        using var opt = new Adam(0.05);
        var svi = MakeSvi(opt, 1);
        svi.Step(data);
        using var before = svi.ParamStore["w_loc"].detach().clone();
        double loss = svi.Evaluate(data);
        Assert.True(double.IsFinite(loss));
        Assert.True(before.eq(svi.ParamStore["w_loc"]).all().item<bool>());
    }

    [Fact]
    public void TenThousandStepsKeepTheLiveTensorCountFlat()
    {
        var data = MakeData(CPU);
        using var opt = new Adam(0.01);
        var svi = MakeSvi(opt, 5);
        svi.Fit(data, 100); // warm-up: parameters and optimizer state come into being
        long before = LiveTensors.Count();
        svi.Fit(data, 10_000);
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void AStepRunsOnTheMetaDevice()
    {
        var meta = device("meta");
        var data = MakeData(meta);
        using var opt = new Adam(0.05);
        var svi = new Svi<Data>(Model, Guide, opt, new TraceElbo { NumParticles = 4, VectorizeParticles = true }, seed: 1);
        double loss = svi.Step(data);
        Assert.True(double.IsNaN(loss)); // a meta tensor has no value to report
        Assert.Equal(DeviceType.META, svi.ParamStore["w_loc"].device.type);
        Assert.True(svi.Loss.LastRunVectorized);
    }

    [Fact]
    public void MismatchedSitesWarnAndObservationsInTheGuideThrow()
    {
        static Tensor TwoLatents(int _)
        {
            var a = Sample("a", new Normal(0.0, 1.0));
            return Sample("b", new Normal(a, 1.0));
        }

        static Tensor OnlyAAndC(int _)
        {
            Sample("c", new Normal(0.0, 1.0));
            return Sample("a", new Normal(Param("m", tensor(0.0f)), 1.0));
        }

        static Tensor Observing(int _) => Sample("a", new Normal(0.0, 1.0), obs: tensor(0.0f));

        using (PplWarnings.Capture(out var warnings))
        {
            new TraceElbo().Loss(TwoLatents, OnlyAAndC, 0);
            Assert.Contains(warnings, w => w.Contains("guide site not in the model: 'c'", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("model latent not in the guide: 'b'", StringComparison.Ordinal));
        }

        var e = Assert.Throws<InvalidOperationException>(() => new TraceElbo().Loss(TwoLatents, Observing, 0));
        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
    }
}
