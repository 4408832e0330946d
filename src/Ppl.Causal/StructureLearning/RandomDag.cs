using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Random DAGs and edge weights as NOTEARS' simulations draw them (Zheng et al. 2018, the authors'
/// <c>utils.simulate_dag</c> and <c>simulate_parameter</c>). Every draw comes from the given
/// <see cref="Random"/>, so a seeded one reproduces the graph.
/// </summary>
public static class RandomDag
{
    /// <summary>
    /// A random DAG on <paramref name="nodes"/> nodes as a binary float64 adjacency matrix [d, d]
    /// (1 at [i, j] for an edge i → j).
    /// </summary>
    /// <param name="nodes">d ≥ 1.</param>
    /// <param name="edges">
    /// s₀: for <see cref="RandomGraphType.ErdosRenyi"/> the exact edge count (at most d(d − 1)/2),
    /// for <see cref="RandomGraphType.ScaleFree"/> the target, giving m = round(s₀/d) edges per new node.
    /// "ER2" is s₀ = 2d, "SF4" s₀ = 4d.
    /// </param>
    /// <param name="type">The graph family.</param>
    /// <param name="random">The source of randomness (e.g. <c>new Random(seed)</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">d &lt; 1, s₀ &lt; 0, or an ER s₀ above d(d − 1)/2.</exception>
    public static Tensor Structure(int nodes, int edges, RandomGraphType type, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (nodes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "RandomDag.Structure: the number of nodes d must be at least 1.");
        }

        if (edges < 0 || (type == RandomGraphType.ErdosRenyi && edges > (long)nodes * (nodes - 1) / 2))
        {
            throw new ArgumentOutOfRangeException(nameof(edges), edges, $"RandomDag.Structure: s₀ must be in [0, d(d − 1)/2 = {(long)nodes * (nodes - 1) / 2}] for d = {nodes}.");
        }

        var b = type switch
        {
            RandomGraphType.ErdosRenyi => ErdosRenyi(nodes, edges, random),
            RandomGraphType.ScaleFree => Permuted(BarabasiAlbert(nodes, (int)Math.Round((double)edges / nodes), random), random),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "RandomDag.Structure: unknown graph type."),
        };
        return HostMatrix.ToTensor(b);
    }

    /// <summary>
    /// Edge weights for a binary adjacency matrix: each edge gets a weight uniform on
    /// [−<paramref name="high"/>, −<paramref name="low"/>] ∪ [<paramref name="low"/>, <paramref name="high"/>]
    /// (each half with probability ½), non-edges 0. The defaults are the reference's [−2, −0.5] ∪ [0.5, 2].
    /// </summary>
    /// <param name="structure">A [d, d] matrix whose nonzero entries are the edges.</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="low">The smallest weight magnitude, ≥ 0.</param>
    /// <param name="high">The largest weight magnitude, ≥ <paramref name="low"/>.</param>
    /// <returns>A float64 [d, d] weight matrix W with W[i, j] ≠ 0 exactly on the edges i → j.</returns>
    /// <exception cref="ArgumentException">The structure is not square 2-D, or the range is invalid.</exception>
    public static Tensor Weights(Tensor structure, Random random, double low = 0.5, double high = 2.0)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(low >= 0 && high >= low && double.IsFinite(high)))
        {
            throw new ArgumentException($"RandomDag.Weights: need 0 ≤ low ≤ high < ∞; got low = {low.ToString(System.Globalization.CultureInfo.InvariantCulture)}, high = {high.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(low));
        }

        var b = HostMatrix.Square(structure, "RandomDag.Weights", nameof(structure));
        int d = b.GetLength(0);
        var w = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                if (b[i, j] != 0)
                {
                    double magnitude = low + ((high - low) * random.NextDouble());
                    w[i, j] = random.Next(2) == 0 ? -magnitude : magnitude;
                }
            }
        }

        return HostMatrix.ToTensor(w);
    }

    /// <summary>G(d, s₀): s₀ distinct pairs uniformly, each oriented from the earlier to the later node of a random order.</summary>
    private static double[,] ErdosRenyi(int d, int edges, Random random)
    {
        var pairs = new List<(int, int)>(d * (d - 1) / 2);
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                pairs.Add((i, j));
            }
        }

        for (int k = 0; k < edges; k++)
        {
            int pick = k + random.Next(pairs.Count - k);
            (pairs[k], pairs[pick]) = (pairs[pick], pairs[k]);
        }

        var rank = Permutation(d, random);
        var b = new double[d, d];
        for (int k = 0; k < edges; k++)
        {
            var (u, v) = pairs[k];
            if (rank[u] < rank[v])
            {
                b[u, v] = 1;
            }
            else
            {
                b[v, u] = 1;
            }
        }

        return b;
    }

    /// <summary>
    /// Directed Barabási–Albert as igraph's default: node t links to min(m, t) distinct earlier
    /// nodes, each drawn with probability ∝ in-degree + 1; edges point new → old.
    /// </summary>
    private static double[,] BarabasiAlbert(int d, int m, Random random)
    {
        var b = new double[d, d];
        var indegree = new int[d];
        for (int t = 1; t < d; t++)
        {
            int links = Math.Min(m, t);
            var chosen = new HashSet<int>();
            while (chosen.Count < links)
            {
                double total = 0;
                for (int v = 0; v < t; v++)
                {
                    total += chosen.Contains(v) ? 0 : indegree[v] + 1;
                }

                double u = random.NextDouble() * total;
                int pick = -1;
                for (int v = 0; v < t; v++)
                {
                    if (chosen.Contains(v))
                    {
                        continue;
                    }

                    pick = v;
                    u -= indegree[v] + 1;
                    if (u < 0)
                    {
                        break;
                    }
                }

                chosen.Add(pick);
            }

            foreach (int v in chosen)
            {
                b[t, v] = 1;
                indegree[v]++;
            }
        }

        return b;
    }

    /// <summary>The graph with node k renamed π(k) for a uniformly random permutation π.</summary>
    private static double[,] Permuted(double[,] b, Random random)
    {
        int d = b.GetLength(0);
        var pi = Permutation(d, random);
        var result = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                result[pi[i], pi[j]] = b[i, j];
            }
        }

        return result;
    }

    private static int[] Permutation(int d, Random random)
    {
        var pi = Enumerable.Range(0, d).ToArray();
        random.Shuffle(pi);
        return pi;
    }
}
