using System.Diagnostics;
using Ppl.Causal;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>Linear NOTEARS on simulated ER2 data against the acceptance bounds (reference d = 10 mean: SHD 1.9, TPR 0.91, FDR 0.01 over 10 seeds).</summary>
[Trait(Stage.Key, Stage.Statistical)]
public sealed class NotearsStatisticalTests(ITestOutputHelper output)
{
    [Fact]
    public void Er2TenNodesMeetsTheAcceptanceBounds()
    {
        using var scope = NewDisposeScope();
        var metrics = new List<StructureComparison>();
        foreach (int seed in new[] { 0, 1, 2 })
        {
            var random = new Random(seed);
            var w0 = RandomDag.Weights(RandomDag.Structure(10, 20, RandomGraphType.ErdosRenyi, random), random);
            var x = LinearSem.Sample(w0, 1000, SemNoise.Gaussian, random);
            var clock = Stopwatch.StartNew();
            var result = Notears.Fit(x, new NotearsOptions { Lambda1 = 0.1 });
            Assert.True(result.IsDag, $"seed {seed}: the thresholded estimate has a cycle");
            var m = StructureMetrics.Compare(w0, result.Weights);
            metrics.Add(m);
            output.WriteLine($"seed {seed}: SHD {m.Shd}, TPR {m.Tpr:F3}, FDR {m.Fdr:F3}, nnz {m.Nnz}, dual steps {result.HPerDualStep.Count}, solves {result.InnerSolves}, {clock.Elapsed.TotalSeconds:F2} s");
        }

        Assert.True(metrics.Average(m => m.Shd) <= 3.5);
        Assert.True(metrics.Average(m => m.Tpr) >= 0.85);
        Assert.True(metrics.Average(m => m.Fdr) <= 0.12);
    }
}
