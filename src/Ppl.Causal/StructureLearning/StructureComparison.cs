namespace Ppl.Causal;

/// <summary>
/// How an estimated DAG matches the true one, with the reference's <c>utils.count_accuracy</c>
/// definitions (see <see cref="StructureMetrics.Compare"/>).
/// </summary>
public sealed record StructureComparison
{
    /// <summary>Structural Hamming distance: extra + missing skeleton edges + reversed edges (a reversed edge counts once).</summary>
    public required int Shd { get; init; }

    /// <summary>False discovery rate: (reversed + false positives) / predicted edges (0 when nothing is predicted).</summary>
    public required double Fdr { get; init; }

    /// <summary>True positive rate: correctly oriented edges / true edges (0 when there are no true edges).</summary>
    public required double Tpr { get; init; }

    /// <summary>False positive rate: (reversed + false positives) / (d(d − 1)/2 − true edges), the denominator floored at 1.</summary>
    public required double Fpr { get; init; }

    /// <summary>The number of predicted edges (nonzero entries of the estimate).</summary>
    public required int Nnz { get; init; }

    /// <summary>Predicted edges whose reverse is a true edge.</summary>
    public required int Reversed { get; init; }

    /// <summary>Predicted edges absent from the true skeleton in either direction.</summary>
    public required int FalsePositives { get; init; }

    /// <summary>Correctly oriented predicted edges.</summary>
    public required int TruePositives { get; init; }
}
