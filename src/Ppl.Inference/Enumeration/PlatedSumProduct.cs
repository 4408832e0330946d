namespace Ppl.Inference.Enumeration;

/// <summary>
/// Sums enumerated variables out of a product of log-factors that lie in plates (tensor variable
/// elimination, Obermeyer et al. 2019; Pyro's <c>contract_tensor_tree</c>). Factors are grouped by the
/// plates they lie in; a variable lies in the plates shared by every factor that has it. Starting from
/// the deepest plates, the factors there are multiplied and every variable that lies in exactly those
/// plates is summed out; then the plates that no remaining variable lies in are multiplied out (a sum of
/// logs over the plate's dim) and the result joins the factors of the enclosing plates. Within one set
/// of plates variables are eliminated greedily, smallest intermediate first, so a chain costs time
/// linear in its length.
/// </summary>
internal static class PlatedSumProduct
{
    /// <summary>
    /// The factors of <paramref name="tree"/> with every variable in <paramref name="sumLabels"/> summed out:
    /// per set of plates, factors whose remaining dims are plates only.
    /// </summary>
    /// <param name="tree">The factors, by the plates they lie in.</param>
    /// <param name="sumLabels">The variables to eliminate.</param>
    /// <param name="maximize">Eliminate by the maximum instead of the sum (the max-product of a MAP query).</param>
    /// <param name="eliminated">When given, receives each variable with the product of the factors that had it just before it was eliminated, in elimination order (what a backward pass draws from).</param>
    /// <exception cref="InvalidOperationException">The plates do not nest (a variable's plates are not contained in those of a factor it reaches).</exception>
    public static Dictionary<PlateOrdinal, List<LogFactor>> ContractTree(
        Dictionary<PlateOrdinal, List<LogFactor>> tree, IReadOnlySet<long> sumLabels, bool maximize = false, List<EliminatedVariable>? eliminated = null)
    {
        var items = tree.SelectMany(entry => entry.Value.Select(factor => (Ordinal: entry.Key, Factor: factor))).ToList();
        var result = new Dictionary<PlateOrdinal, List<LogFactor>>();
        foreach (var component in Components(items, item => item.Factor.Labels.Where(sumLabels.Contains)))
        {
            var labels = component.SelectMany(item => item.Factor.Labels).Where(sumLabels.Contains).ToHashSet();
            var (ordinal, factor) = labels.Count == 0
                ? (component[0].Ordinal, component[0].Factor)
                : ContractComponent(component, labels, maximize, eliminated);
            Add(result, ordinal, factor);
        }

        return result;
    }

    /// <summary>One connected set of factors reduced to one factor in the plates all of them share.</summary>
    private static (PlateOrdinal Ordinal, LogFactor Factor) ContractComponent(
        List<(PlateOrdinal Ordinal, LogFactor Factor)> component, HashSet<long> sumLabels, bool maximize, List<EliminatedVariable>? eliminated)
    {
        var tree = new Dictionary<PlateOrdinal, List<LogFactor>>();
        var labelOrdinal = new Dictionary<long, PlateOrdinal>();
        foreach (var (ordinal, factor) in component)
        {
            Add(tree, ordinal, factor);
            foreach (long label in factor.Labels.Where(sumLabels.Contains))
            {
                labelOrdinal[label] = labelOrdinal.TryGetValue(label, out var seen) ? seen.Intersect(ordinal) : ordinal;
            }
        }

        var labelsAt = new Dictionary<PlateOrdinal, HashSet<long>>();
        foreach (var (label, ordinal) in labelOrdinal)
        {
            (labelsAt.TryGetValue(ordinal, out var set) ? set : labelsAt[ordinal] = []).Add(label);
        }

        var root = tree.Keys.Aggregate((a, b) => a.Intersect(b));
        while (labelsAt.Values.Any(set => set.Count > 0))
        {
            // the deepest plates first (ties broken by label, so the order is deterministic)
            var leaf = tree.Keys.OrderByDescending(o => o.Count).ThenBy(o => o.ToString(), StringComparer.Ordinal).First();
            var leafFactors = tree[leaf];
            tree.Remove(leaf);
            var leafLabels = labelsAt.Remove(leaf, out var l) ? l : [];
            foreach (var (factors, labels) in Partition(leafFactors, leafLabels))
            {
                var term = Eliminate(factors, labels, maximize, eliminated);
                var parent = leaf;
                if (!leaf.Equals(root))
                {
                    var pending = term.Labels.Where(sumLabels.Contains).ToHashSet();
                    // the plates of the variables still to be summed; the shared plates when none is left
                    parent = labelsAt.Where(entry => entry.Value.Overlaps(pending)).Select(entry => entry.Key).Aggregate(root, (a, b) => a.Union(b));
                    if (!parent.IsSubsetOf(leaf))
                    {
                        throw new InvalidOperationException($"Enumeration: factors in plates {leaf} depend on variables in plates {parent}, which do not nest in them.");
                    }

                    term = term.Sum(leaf.Except(parent).Plates);
                }

                Add(tree, parent, term);
            }
        }

        var rest = tree.SelectMany(entry => entry.Value.Select(factor => (entry.Key, factor))).ToList();
        if (rest.Any(item => !item.Key.Equals(root)))
        {
            throw new InvalidOperationException($"Enumeration: factors were left in plates other than the shared plates {root}.");
        }

        return (root, LogFactor.Join([.. rest.Select(item => item.factor)]));
    }

    /// <summary>
    /// log Σ (or max) over <paramref name="labels"/> of the product of <paramref name="factors"/>, one variable at a
    /// time, the one whose factors span the fewest entries first. The factors of each variable and its
    /// cost are kept up to date as factors are joined, and the costs in an ordered set, so a chain of
    /// T steps costs O(T log T) host work and O(T) tensor work.
    /// </summary>
    private static LogFactor Eliminate(List<LogFactor> factors, HashSet<long> labels, bool maximize, List<EliminatedVariable>? eliminated)
    {
        // creation order, so factors are always joined in the same order (sums repeat bit for bit)
        var order = new Dictionary<LogFactor, int>(ReferenceEqualityComparer.Instance);
        foreach (var factor in factors)
        {
            order[factor] = order.Count;
        }

        int next = factors.Count;
        var byLabel = new Dictionary<long, HashSet<LogFactor>>();
        foreach (var factor in factors)
        {
            foreach (long label in factor.Labels.Where(labels.Contains))
            {
                (byLabel.TryGetValue(label, out var set) ? set : byLabel[label] = new HashSet<LogFactor>(ReferenceEqualityComparer.Instance)).Add(factor);
            }
        }

        // each variable's cost, and the same pairs ordered, so the cheapest is found in log time
        var cost = byLabel.ToDictionary(entry => entry.Key, entry => Span(entry.Value));
        var queue = new SortedSet<(double Cost, long Label)>(cost.Select(entry => (entry.Value, entry.Key)));
        while (queue.Count > 0)
        {
            long best = queue.Min.Label;
            queue.Remove(queue.Min);
            var group = byLabel[best].OrderBy(f => order[f]).ToList();
            var product = LogFactor.Join(group);
            eliminated?.Add(new EliminatedVariable(best, product));
            var joined = maximize ? product.Max([best]) : product.LogSumExp([best]);
            cost.Remove(best);
            byLabel.Remove(best);
            var touched = new HashSet<long>();
            foreach (var factor in group)
            {
                order.Remove(factor);
                foreach (long label in factor.Labels.Where(byLabel.ContainsKey))
                {
                    byLabel[label].Remove(factor);
                    touched.Add(label);
                }
            }

            order[joined] = next++;
            foreach (long label in joined.Labels.Where(byLabel.ContainsKey))
            {
                byLabel[label].Add(joined);
                touched.Add(label);
            }

            foreach (long label in touched)
            {
                queue.Remove((cost[label], label));
                cost[label] = Span(byLabel[label]);
                queue.Add((cost[label], label));
            }
        }

        return LogFactor.Join([.. order.OrderBy(entry => entry.Value).Select(entry => entry.Key)]);
    }

    /// <summary>The number of entries of the product of <paramref name="factors"/>.</summary>
    private static double Span(IEnumerable<LogFactor> factors)
    {
        var sizes = new Dictionary<long, long>();
        foreach (var factor in factors)
        {
            for (int i = 0; i < factor.Labels.Length; i++)
            {
                sizes[factor.Labels[i]] = factor.Value.shape[i];
            }
        }

        return sizes.Values.Aggregate(1.0, (product, size) => product * size);
    }

    /// <summary>The factors split into sets connected by the labels in <paramref name="labels"/>, each with the labels it has.</summary>
    private static IEnumerable<(List<LogFactor> Factors, HashSet<long> Labels)> Partition(List<LogFactor> factors, HashSet<long> labels) =>
        Components(factors, f => f.Labels.Where(labels.Contains))
            .Select(group => (group, group.SelectMany(f => f.Labels).Where(labels.Contains).ToHashSet()));

    /// <summary>Connected components of <paramref name="items"/>, two items connected when they share a key.</summary>
    private static List<List<T>> Components<T>(IReadOnlyList<T> items, Func<T, IEnumerable<long>> keys)
    {
        var parent = Enumerable.Range(0, items.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        var owner = new Dictionary<long, int>();
        for (int i = 0; i < items.Count; i++)
        {
            foreach (long key in keys(items[i]))
            {
                if (owner.TryGetValue(key, out int j))
                {
                    parent[Find(i)] = Find(j);
                }
                else
                {
                    owner[key] = i;
                }
            }
        }

        return [.. Enumerable.Range(0, items.Count).GroupBy(Find).Select(g => g.Select(i => items[i]).ToList())];
    }

    private static void Add(Dictionary<PlateOrdinal, List<LogFactor>> tree, PlateOrdinal ordinal, LogFactor factor) =>
        (tree.TryGetValue(ordinal, out var list) ? list : tree[ordinal] = []).Add(factor);
}
