using System.Diagnostics;
using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Examples.Notears;

/// <summary>
/// One simulated data set as the reference simulates it (a random DAG, weights from
/// U([−2, −0.5] ∪ [0.5, 2]), equal-variance Gaussian noise) and linear NOTEARS fitted to it
/// with the reference's settings (λ₁ = 0.1, threshold 0.3).
/// </summary>
internal sealed class NotearsTrial : IDisposable
{
    private NotearsTrial(Tensor truth, Tensor data, NotearsResult result, NotearsRun run)
    {
        Truth = truth;
        Data = data;
        Result = result;
        Run = run;
    }

    /// <summary>The true weighted adjacency W [d, d] (W[i, j] ≠ 0: i → j).</summary>
    public Tensor Truth { get; }

    /// <summary>X [n, d].</summary>
    public Tensor Data { get; }

    /// <summary>NOTEARS' estimate and its dual-loop trace.</summary>
    public NotearsResult Result { get; }

    /// <summary>The score and time.</summary>
    public NotearsRun Run { get; }

    /// <summary>Simulates with <paramref name="seed"/> and fits.</summary>
    public static NotearsTrial Fit(NotearsCell cell, long seed, int samples)
    {
        using var scope = NewDisposeScope();
        var random = new Random(checked((int)seed));
        var truth = RandomDag.Weights(RandomDag.Structure(cell.Nodes, cell.Edges, cell.Type, random), random);
        var data = LinearSem.Sample(truth, samples, SemNoise.Gaussian, random);
        var clock = Stopwatch.StartNew();
        var result = Causal.Notears.Fit(data, new NotearsOptions { Lambda1 = 0.1, WeightThreshold = 0.3 });
        double seconds = clock.Elapsed.TotalSeconds;
        var run = new NotearsRun(cell, seed, StructureMetrics.Compare(truth, result.Weights), result.IsDag, seconds, result.HPerDualStep.Count);
        var kept = result with { Weights = result.Weights.MoveToOuterDisposeScope(), RawWeights = result.RawWeights.MoveToOuterDisposeScope() };
        return new NotearsTrial(truth.MoveToOuterDisposeScope(), data.MoveToOuterDisposeScope(), kept, run);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Truth.Dispose();
        Data.Dispose();
        Result.Weights.Dispose();
        Result.RawWeights.Dispose();
    }
}
