using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>The metrics against hand-counted small graphs.</summary>
public sealed class StructureMetricsTests
{
    private static Tensor Graph(int d, params (int From, int To)[] edges)
    {
        var w = zeros(d, d, dtype: float64);
        foreach (var (from, to) in edges)
        {
            w[from, to] = tensor(1.5, dtype: float64);
        }

        return w;
    }

    [Fact]
    public void IdenticalGraphsHaveZeroDistance()
    {
        using var scope = NewDisposeScope();
        var truth = Graph(4, (0, 1), (1, 2), (3, 2));
        var m = StructureMetrics.Compare(truth, truth.mul(-0.3));
        Assert.Equal(0, m.Shd);
        Assert.Equal(1.0, m.Tpr);
        Assert.Equal(0.0, m.Fdr);
        Assert.Equal(0.0, m.Fpr);
        Assert.Equal(3, m.Nnz);
    }

    [Fact]
    public void ExtraMissingAndReversedEdgesAreCountedOnceEach()
    {
        using var scope = NewDisposeScope();
        // truth: 0→1, 1→2, 3→2, 2→4 (4 edges on 5 nodes, 10 pairs, 6 non-edges)
        var truth = Graph(5, (0, 1), (1, 2), (3, 2), (2, 4));

        // estimate: 0→1 (correct), 2→1 (reversed), 2→4 (correct), 0→3 (extra), 3→2 missing
        var estimate = Graph(5, (0, 1), (2, 1), (2, 4), (0, 3));
        var m = StructureMetrics.Compare(truth, estimate);
        Assert.Equal(1, m.Reversed);
        Assert.Equal(1, m.FalsePositives);
        Assert.Equal(2, m.TruePositives);
        Assert.Equal(4, m.Nnz);
        Assert.Equal(3, m.Shd); // extra 0–3, missing 3–2, reversed 1–2
        Assert.Equal(2.0 / 4, m.Fdr, 1e-15);
        Assert.Equal(2.0 / 4, m.Tpr, 1e-15);
        Assert.Equal(2.0 / 6, m.Fpr, 1e-15);
    }

    [Fact]
    public void EmptyEstimateMissesEverything()
    {
        using var scope = NewDisposeScope();
        var truth = Graph(3, (0, 1), (0, 2));
        var m = StructureMetrics.Compare(truth, zeros(3, 3, dtype: float64));
        Assert.Equal(2, m.Shd);
        Assert.Equal(0.0, m.Tpr);
        Assert.Equal(0.0, m.Fdr);
        Assert.Equal(0, m.Nnz);
        Assert.Equal(0.0, m.Fpr); // 3 pairs − 2 true edges = 1 negative, 0 false positives
    }

    [Fact]
    public void IsDagFindsCyclesAndSelfLoops()
    {
        using var scope = NewDisposeScope();
        Assert.True(Dag.IsDag(Graph(4, (0, 1), (1, 2), (0, 2), (3, 0))));
        Assert.False(Dag.IsDag(Graph(4, (0, 1), (1, 2), (2, 0))));
        Assert.False(Dag.IsDag(Graph(2, (1, 1))));
        Assert.True(Dag.IsDag(zeros(3, 3, dtype: float64)));
    }

    [Fact]
    public void CyclicEstimateAndMismatchedSizesAreRejected()
    {
        using var scope = NewDisposeScope();
        var truth = Graph(3, (0, 1));
        var cyclic = Assert.Throws<ArgumentException>(() => StructureMetrics.Compare(truth, Graph(3, (0, 1), (1, 0))));
        Assert.Contains("cycle", cyclic.Message, StringComparison.Ordinal);
        var sizes = Assert.Throws<ArgumentException>(() => StructureMetrics.Compare(truth, zeros(4, 4, dtype: float64)));
        Assert.Contains("[3, 3]", sizes.Message, StringComparison.Ordinal);
        var shape = Assert.Throws<ArgumentException>(() => StructureMetrics.Compare(truth, zeros(3, 4, dtype: float64)));
        Assert.Contains("square", shape.Message, StringComparison.Ordinal);
    }
}
