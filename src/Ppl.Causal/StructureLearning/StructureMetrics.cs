using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>Accuracy of a learned DAG against the true one, as NOTEARS' evaluation counts it.</summary>
public static class StructureMetrics
{
    /// <summary>
    /// Compares the nonzero patterns of two [d, d] matrices (W[i, j] ≠ 0 means i → j), following the
    /// reference's <c>count_accuracy</c>: an estimated edge is a true positive if the true graph has
    /// it in the same direction, reversed if the true graph has it the other way, and a false positive
    /// if neither; SHD counts skeleton pairs present in one graph only, plus the reversed edges.
    /// </summary>
    /// <param name="trueWeights">The true graph [d, d].</param>
    /// <param name="estimatedWeights">The estimate [d, d]; must be a DAG, as in the reference.</param>
    /// <exception cref="ArgumentException">A matrix is not square 2-D, the sizes differ, or the estimate has a cycle.</exception>
    public static StructureComparison Compare(Tensor trueWeights, Tensor estimatedWeights)
    {
        var truth = HostMatrix.Square(trueWeights, "StructureMetrics.Compare", nameof(trueWeights));
        var estimate = HostMatrix.Square(estimatedWeights, "StructureMetrics.Compare", nameof(estimatedWeights));
        int d = truth.GetLength(0);
        if (estimate.GetLength(0) != d)
        {
            throw new ArgumentException($"StructureMetrics.Compare: the true graph is [{d}, {d}] but the estimate is [{estimate.GetLength(0)}, {estimate.GetLength(0)}]; compare graphs on the same nodes.", nameof(estimatedWeights));
        }

        if (Dag.TopologicalOrder(estimate) is null)
        {
            throw new ArgumentException($"StructureMetrics.Compare: the [{d}, {d}] estimate has a directed cycle; the metrics are defined for DAGs (threshold more, or check NotearsResult.IsDag).", nameof(estimatedWeights));
        }

        int predicted = 0, truePositives = 0, reversed = 0, falsePositives = 0, trueEdges = 0, extra = 0, missing = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                bool edge = truth[i, j] != 0, guess = estimate[i, j] != 0;
                trueEdges += edge ? 1 : 0;
                if (!guess)
                {
                    continue;
                }

                predicted++;
                if (edge)
                {
                    truePositives++;
                }
                else if (truth[j, i] != 0)
                {
                    reversed++;
                }
                else
                {
                    falsePositives++;
                }
            }

            for (int j = 0; j < i; j++)
            {
                bool inTruth = truth[i, j] != 0 || truth[j, i] != 0, inEstimate = estimate[i, j] != 0 || estimate[j, i] != 0;
                extra += inEstimate && !inTruth ? 1 : 0;
                missing += inTruth && !inEstimate ? 1 : 0;
            }
        }

        double negatives = (0.5 * d * (d - 1)) - trueEdges;
        return new StructureComparison
        {
            Shd = extra + missing + reversed,
            Fdr = (double)(reversed + falsePositives) / Math.Max(predicted, 1),
            Tpr = (double)truePositives / Math.Max(trueEdges, 1),
            Fpr = (reversed + falsePositives) / Math.Max(negatives, 1),
            Nnz = predicted,
            Reversed = reversed,
            FalsePositives = falsePositives,
            TruePositives = truePositives,
        };
    }
}
