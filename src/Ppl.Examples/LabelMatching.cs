namespace Ppl.Examples;

/// <summary>
/// Accuracy of inferred discrete labels against simulated ones when the labels' names are arbitrary:
/// a mixture's components or an HMM's states can come out in any order (label switching), so the
/// inferred labels are compared under the relabelling that agrees with the truth most often.
/// </summary>
internal static class LabelMatching
{
    /// <summary>
    /// The relabelling <c>map</c> of <paramref name="k"/> labels (inferred label j stands for true label
    /// <c>map[j]</c>) that maximizes agreement, and the share of positions that agree under it.
    /// </summary>
    /// <exception cref="ArgumentException">The sequences differ in length or are empty, or a label is outside [0, k).</exception>
    public static (int[] Map, double Accuracy) Best(IReadOnlyList<long> inferred, IReadOnlyList<long> truth, int k)
    {
        ArgumentNullException.ThrowIfNull(inferred);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (inferred.Count != truth.Count || inferred.Count == 0)
        {
            throw new ArgumentException($"LabelMatching: {inferred.Count} inferred labels against {truth.Count} true ones; give as many, at least one.", nameof(inferred));
        }

        // confusion[j, i]: positions labelled j and truly i; a relabelling's agreement is a sum of k cells
        var confusion = new long[k, k];
        for (int n = 0; n < inferred.Count; n++)
        {
            long j = inferred[n], i = truth[n];
            if (j < 0 || j >= k || i < 0 || i >= k)
            {
                throw new ArgumentException($"LabelMatching: position {n} has labels {j} (inferred) and {i} (true); both must lie in [0, {k}).", nameof(inferred));
            }

            confusion[j, i]++;
        }

        int[] best = [];
        long bestAgree = -1;
        foreach (var map in Permutations(k))
        {
            long agree = Enumerable.Range(0, k).Sum(j => confusion[j, map[j]]);
            if (agree > bestAgree)
            {
                (bestAgree, best) = (agree, map);
            }
        }

        return (best, bestAgree / (double)inferred.Count);
    }

    /// <summary>Every ordering of 0..k−1 (k! of them: meant for a handful of labels).</summary>
    public static IEnumerable<int[]> Permutations(int k)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 8);
        return Extend([], k);
    }

    private static IEnumerable<int[]> Extend(int[] prefix, int k)
    {
        if (prefix.Length == k)
        {
            yield return prefix;
            yield break;
        }

        for (int v = 0; v < k; v++)
        {
            if (!prefix.Contains(v))
            {
                foreach (var p in Extend([.. prefix, v], k))
                {
                    yield return p;
                }
            }
        }
    }
}
