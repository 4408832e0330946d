using Ppl.Data;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class SubsampleTests
{
    private const int N = 100;
    private const int Batch = 10;

    /// <summary>z_i ~ N(0, 1), x_i ~ N(z_i, 1) in a plate of 100 seen 10 at a time: z_i | x_i ~ N(x_i/2, 1/2).</summary>
    private static Tensor Local(Tensor x)
    {
        using var data = Plate("data", N, subsampleSize: Batch);
        var z = Sample("z", new Normal(0.0, 1.0));
        Sample("x", new Normal(z, 1.0), obs: data.Subsample(x));
        return z;
    }

    private static Tensor Data()
    {
        var g = new Generator(seed: 21);
        return randn(N, generator: g).mul(1.5f);
    }

    private sealed record Rows(MiniBatch Batch, Tensor X);

    /// <summary><see cref="Local"/> over a minibatch's rows (explicit subsample indices) rather than a drawn subsample.</summary>
    private static Tensor LocalRows(Rows r)
    {
        using var data = r.Batch.Plate("data");
        var z = Sample("z", new Normal(0.0, 1.0));
        Sample("x", new Normal(z, 1.0), obs: r.Batch.Select(r.X));
        return z;
    }

    [Fact]
    public void OverAMinibatchAStepTrainsTheBatchsRows()
    {
        // the model's plate takes the batch's rows; the guide must draw z for those rows, not for a
        // subsample of its own (the model replays the guide's indices, so a guide drawing its own
        // would pair the batch's observations with other rows' latents)
        using var testScope = NewDisposeScope();
        using var x = Data();
        using var guide = new AutoNormal<Rows>(LocalRows) { Subsamples = (r, plate) => plate == "data" ? r.Batch.Indices() : null };
        using var sgd = new Sgd(0.1); // no momentum: rows outside the batch get no update at all
        var svi = new Svi<Rows>(LocalRows, guide.Guide, sgd, new TraceElbo(), seed: 1);
        foreach (var batch in new MiniBatches(N, 30, seed: 5).Epoch(0)) // 30, 30, 30 and a last batch of 10
        {
            using var before = svi.StepCount == 0 ? zeros(N) : svi.ParamStore["AutoNormal.locs.z"].detach().clone();
            svi.Step(new Rows(batch, x));
            using var moved = svi.ParamStore["AutoNormal.locs.z"].detach().ne(before).nonzero().reshape(-1);
            Assert.Equal(batch.Rows.Order(), moved.data<long>().ToArray());
        }

        GuideFit.Release(svi);
    }

    [Fact]
    public void OverAMinibatchWithoutSubsamplesTheGuideRefuses()
    {
        using var testScope = NewDisposeScope();
        using var x = Data();
        using var guide = new AutoNormal<Rows>(LocalRows);
        using var adam = new Adam(0.1);
        var svi = new Svi<Rows>(LocalRows, guide.Guide, adam, new TraceElbo(), seed: 1);
        var batch = new MiniBatches(N, Batch, seed: 5).Epoch(0).First();
        var e = Inner<NotSupportedException>(() => svi.Step(new Rows(batch, x)));
        Assert.Contains("'data'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Subsamples", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParamsHaveFullSizeAndAStepMovesOnlyTheSubsample()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = Data();
        using var guide = new AutoNormal<Tensor>(Local);
        var svi = new Svi<Tensor>(Local, guide.Guide, new Adam(0.1), new TraceElbo(), seed: 1);
        using (svi.ParamStore.Activate())
        using (var scope = NewDisposeScope())
        {
            guide.Median(x); // creates the parameters without a step
        }

        Assert.Equal([N], svi.ParamStore["AutoNormal.locs.z"].shape);
        Assert.Equal([N], svi.ParamStore["AutoNormal.scales.z"].shape);
        using var locBefore = svi.ParamStore["AutoNormal.locs.z"].detach().clone();
        using var scaleBefore = svi.ParamStore["AutoNormal.scales.z"].detach().clone();
        svi.Step(x);
        using var locMoved = svi.ParamStore["AutoNormal.locs.z"].detach().ne(locBefore);
        using var scaleMoved = svi.ParamStore["AutoNormal.scales.z"].detach().ne(scaleBefore);
        Assert.Equal(Batch, locMoved.sum().item<long>());
        Assert.Equal(Batch, scaleMoved.sum().item<long>());
        Assert.True(locMoved.eq(scaleMoved).all().item<bool>());
        GuideFit.Release(svi);
    }

    [Fact]
    public void SviRecoversTheLocalPosteriors()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var threads = new SingleThread();
        using var x = Data();
        using var guide = new AutoNormal<Tensor>(Local);
        const int steps = 1500;
        const double lr = 0.2, decay = 0.025;
        const int particles = 4, tailSteps = 400;
        var opt = new Adam(lr) { Schedule = LearningRateSchedule.Exponential(Math.Pow(decay, 1.0 / steps)) };
        var svi = new Svi<Tensor>(Local, guide.Guide, opt, new TraceElbo { NumParticles = particles, VectorizeParticles = true }, seed: 2);
        var tail = GuideFit.Run(svi, x, steps, () =>
            [.. GuideFit.Values(svi.ParamStore["AutoNormal.locs.z"]), .. GuideFit.Values(svi.ParamStore["AutoNormal.scales.z"])], tail: tailSteps);

        // the family holds each exact posterior N(x_i/2, 1/2); each entry is updated in about a tenth of
        // the steps, so the tail is long enough (400 steps) for ~40 updates per entry
        var xs = GuideFit.Values(x);
        double posteriorSd = Math.Sqrt(0.5);

        // noise ceilings: an entry's gradient is N/B times larger in the tenth of the steps that see it
        // and zero otherwise, so Adam's RMS gradient is √(N/B) times the in-batch one and the pull per
        // step √(N/B) times weaker at the same kicks: the stationary variance grows by √(N/B)
        double tailLr = AdamNoise.ExponentialLr(lr, lr * decay, steps, steps - tailSteps);
        double sparse = Math.Pow((double)N / Batch, 0.25);
        double locCeiling = AdamNoise.Headroom * sparse * AdamNoise.Location(tailLr, particles, posteriorSd);
        double scaleCeiling = AdamNoise.Headroom * sparse * AdamNoise.Scale(tailLr, particles, posteriorSd);
        double worstLoc = 0, worstScale = 0;
        for (int i = 0; i < N; i++)
        {
            double loc = xs[i] / 2, scale = posteriorSd;
            tail.AssertNear(i, loc, locCeiling, $"loc[{i}]", 1e-5);
            tail.AssertNear(N + i, scale, scaleCeiling, $"scale[{i}]", 1e-5);
            worstLoc = Math.Max(worstLoc, Math.Abs(tail.Mean[i] - loc));
            worstScale = Math.Max(worstScale, Math.Abs(tail.Mean[N + i] - scale));
        }

        // averaged over the 100 entries the per-entry noise shrinks by about √100 (the entries see
        // different subsamples), which catches a shared bias the per-entry bounds are too wide for;
        // every entry's sd and drift passed their ceilings above, so this tolerance is at most
        // 5·locCeiling/√N + 2·locCeiling
        double meanError = Enumerable.Range(0, N).Average(i => tail.Mean[i] - (xs[i] / 2));
        double meanTolerance = (5 * Math.Sqrt(Enumerable.Range(0, N).Average(i => tail.Sd[i] * tail.Sd[i]) / N)) + Enumerable.Range(0, N).Average(i => Math.Abs(tail.Drift[i]));
        Assert.InRange(meanError, -meanTolerance, meanTolerance);
        Console.WriteLine($"[guides] AutoNormal subsampled locals: mean loc error {meanError:E2} (tolerance {meanTolerance:E2})");
        Console.WriteLine($"[guides] AutoNormal subsampled locals: worst |loc error| {worstLoc:E2}, worst |scale error| {worstScale:E2}, median tolerance {Enumerable.Range(0, N).Select(i => tail.Tolerance(i)).Order().ElementAt(N / 2):E2}");
        Console.WriteLine($"[guides] AutoNormal subsampled locals: largest sd/ceiling loc {Enumerable.Range(0, N).Max(i => tail.Sd[i]) / locCeiling:E2}, scale {Enumerable.Range(N, N).Max(i => tail.Sd[i]) / scaleCeiling:E2}; largest drift/ceiling loc {Enumerable.Range(0, N).Max(i => Math.Abs(tail.Drift[i])) / locCeiling:E2}, scale {Enumerable.Range(N, N).Max(i => Math.Abs(tail.Drift[i])) / scaleCeiling:E2}");
        GuideFit.Release(svi);
    }

    // a failure inside the guide reaches the caller as a ModelExecutionException around it
    private static T Inner<T>(Action run)
        where T : Exception => Assert.IsType<T>(Assert.Throws<ModelExecutionException>(run).InnerException);
}
