using Ppl.Data;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// Local params inside a minibatch's subsampled plate (<c>Param(..., eventDim: 0)</c> of the data
/// set's full size) are sliced to the batch: a step trains exactly the batch's rows, and training
/// over epochs gives every row its own conjugate posterior.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class LocalParamMiniBatchTests
{
    private const int N = 40;
    private const int BatchSize = 8;

    private sealed record Batch(MiniBatch Rows, Tensor X);

    // z_i ~ N(0, 1), x_i ~ N(z_i, 1): z_i | x_i ~ N(x_i / 2, 1/2)
    private static Tensor Model(Batch b)
    {
        using var data = b.Rows.Plate("data");
        var z = Sample("z", new Normal(0.0f, 1.0f));
        return Sample("x", new Normal(z, 1.0f), obs: b.Rows.Select(b.X));
    }

    private static Tensor Guide(Batch b)
    {
        using var data = b.Rows.Plate("data");
        var loc = Param("loc", () => zeros(N), eventDim: 0);
        var scale = Param("scale", () => full(N, 0.5f), Constraints.Positive, eventDim: 0);
        Assert.Equal([b.Rows.Count], loc.shape); // sliced to the batch
        return Sample("z", new Normal(loc, scale));
    }

    private static Tensor Data() => randn(N, generator: new Generator(17)).mul(1.5f);

    [Fact]
    public void AStepTrainsExactlyTheBatchsRows()
    {
        using var scope = NewDisposeScope();
        using var x = Data();
        using var sgd = new Sgd(0.1); // no momentum: rows outside the batch get no update at all
        var svi = new Svi<Batch>(Model, Guide, sgd, new TraceElbo(), seed: 3);
        var batches = new MiniBatches(N, BatchSize, seed: 2);
        var epoch = batches.Epoch(0).ToList();
        svi.Step(new Batch(epoch[0], x)); // creates the params (full size) and moves the first batch's rows
        Assert.Equal([N], svi.ParamStore["loc"].shape);
        using var locBefore = svi.ParamStore["loc"].detach().clone();
        using var scaleBefore = svi.ParamStore["scale"].detach().clone();
        svi.Step(new Batch(epoch[1], x));
        var movedLoc = Moved(svi.ParamStore["loc"], locBefore);
        var movedScale = Moved(svi.ParamStore["scale"], scaleBefore);
        Assert.Equal(epoch[1].Rows.Order(), movedLoc);
        Assert.Equal(epoch[1].Rows.Order(), movedScale);
    }

    [Fact]
    public void EveryRowsParamsReachItsConjugatePosterior()
    {
        using var scope = NewDisposeScope();
        using var x = Data();
        const int epochs = 300;
        var batches = new MiniBatches(N, BatchSize, seed: 2);
        long steps = epochs * batches.BatchesPerEpoch;
        using var sgd = new Sgd(0.02) { Schedule = LearningRateSchedule.Exponential(Math.Pow(0.025, 1.0 / steps)) };
        var svi = new Svi<Batch>(Model, Guide, sgd, new TraceElbo { NumParticles = 32, VectorizeParticles = true }, seed: 4);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches.Epoch(epoch))
            {
                svi.Step(new Batch(batch, x));
            }
        }

        var xs = x.data<float>().ToArray();
        var loc = svi.ParamStore["loc"].detach().data<float>().ToArray();
        var scale = svi.ParamStore["scale"].detach().data<float>().ToArray();
        double worstLoc = Enumerable.Range(0, N).Max(i => Math.Abs(loc[i] - (xs[i] / 2)));
        double worstScale = Enumerable.Range(0, N).Max(i => Math.Abs(scale[i] - Math.Sqrt(0.5)));
        Console.WriteLine($"[minibatch params] worst |loc − x/2| {worstLoc:E2}, worst |scale − √½| {worstScale:E2}");

        // SGD's per-visit update of row i is loc_i −= lr·(N/B)·(2 loc_i − x_i + 2 s_i ε̄), ε̄ ~ N(0, 1/32):
        // a contraction by 1 − 10·lr (16 e-folds over the run, so the start is forgotten) plus noise
        // whose variance, run through the 300 visits at the schedule's rates
        // (v ← (1 − 10 lr)² v + (10 lr)² s²/32), ends at sd 0.0094; 0.05 is 5.3 of those, for the
        // worst of 40 rows (the scale's noise in log space is alike)
        Assert.InRange(worstLoc, 0, 0.05);
        Assert.InRange(worstScale, 0, 0.05);
    }

    private static long[] Moved(Tensor now, Tensor before)
    {
        using var moved = now.detach().ne(before).nonzero().reshape(-1);
        return moved.data<long>().ToArray();
    }
}
