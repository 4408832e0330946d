using System.Globalization;
using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// A linear-Gaussian structural causal model on a DAG: X_j = b_j + Σ_{i ∈ pa(j)} W[i, j]·X_i + σ_j·ε_j
/// with independent ε_j ~ N(0, 1). Built from a graph (e.g. the support of a <see cref="Notears"/>
/// estimate) and data by least squares (<see cref="Fit"/>), or from known weights
/// (<see cref="FromWeights"/>). It closes NOTEARS' loop: <see cref="Model"/> is a Ppl program whose
/// sites answer <see cref="CausalQueries.Interventional{TArgs}"/> and other do() queries, and
/// <see cref="InterventionalMean(int, int, double)"/> is the closed form those queries estimate.
/// </summary>
/// <remarks>
/// The program is only as causal as the graph: a learned graph with a reversed edge i → j gives a
/// model whose E[X_j | do(X_i = x)] does not depend on x, though it may fit the observational data
/// as well as the true one (Markov-equivalent graphs do).
/// </remarks>
public sealed class LinearGaussianScm
{
    /// <summary>The name of the plate over units in <see cref="Model"/>.</summary>
    public const string UnitsPlate = "units";

    private readonly double[,] _weights;
    private readonly double[] _intercepts;
    private readonly double[] _noiseScales;
    private readonly int[][] _parents;
    private readonly int[] _order;
    private readonly string[] _names;
    private readonly Dictionary<string, int> _index;

    private LinearGaussianScm(double[,] weights, double[] intercepts, double[] noiseScales, int[] order, string[] names)
    {
        _weights = weights;
        _intercepts = intercepts;
        _noiseScales = noiseScales;
        _order = order;
        _names = names;
        int d = intercepts.Length;
        _parents = new int[d][];
        for (int j = 0; j < d; j++)
        {
            _parents[j] = Enumerable.Range(0, d).Where(i => weights[i, j] != 0).ToArray();
        }

        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < d; j++)
        {
            _index[names[j]] = j;
        }
    }

    /// <summary>The number of nodes d.</summary>
    public int Nodes => _intercepts.Length;

    /// <summary>The site names of the nodes, in column order (<c>x0</c>, <c>x1</c>, … unless given).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>A topological order of the nodes (causes before effects): the order <see cref="Model"/> samples them in.</summary>
    public IReadOnlyList<int> TopologicalOrder => _order;

    /// <summary>The intercept b_j of each node's mechanism, on the data's scale.</summary>
    public IReadOnlyList<double> Intercepts => _intercepts;

    /// <summary>The noise standard deviation σ_j of each node's mechanism.</summary>
    public IReadOnlyList<double> NoiseScales => _noiseScales;

    /// <summary>The parents of <paramref name="node"/>, ascending.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such node.</exception>
    public IReadOnlyList<int> Parents(int node) => _parents[CheckNode(node, nameof(node))];

    /// <summary>The weight of the edge <paramref name="from"/> → <paramref name="to"/> (0 when there is no edge).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such node.</exception>
    public double Weight(int from, int to) => _weights[CheckNode(from, nameof(from)), CheckNode(to, nameof(to))];

    /// <summary>The weights as a new float64 CPU tensor [d, d], W[i, j] the effect of parent i on node j (0 off the graph).</summary>
    public Tensor WeightMatrix() => HostMatrix.ToTensor((double[,])_weights.Clone());

    /// <summary>The index of the node with site name <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No node has that name.</exception>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _index.TryGetValue(name, out int j)
            ? j
            : throw new ArgumentException($"LinearGaussianScm: no node is named '{name}'; the nodes are {string.Join(", ", _names)}.", nameof(name));
    }

    /// <summary>
    /// Fits the SCM on <paramref name="graph"/> to <paramref name="data"/>: each node is regressed on its
    /// parents by ordinary least squares with an intercept (on the data's own scale, no standardizing),
    /// and its noise scale is the residual standard deviation with n − p − 1 degrees of freedom (p parents).
    /// </summary>
    /// <param name="graph">A [d, d] matrix whose nonzero entries are the edges (G[i, j] ≠ 0 means i → j), e.g. <see cref="NotearsResult.Weights"/>; only its support is used.</param>
    /// <param name="data">The samples X [n, d], one column per node (any float dtype).</param>
    /// <param name="names">The site names of the nodes (default <c>x0</c>, <c>x1</c>, …): d distinct non-empty names.</param>
    /// <exception cref="ArgumentException">
    /// The graph is not square or has a directed cycle; X is not [n, d] with the graph's d, or has a non-finite
    /// entry; a column is constant; a node's parents are collinear or determine it exactly; n is not above
    /// p + 1 for some node; or the names are not d distinct non-empty strings other than <see cref="UnitsPlate"/>.
    /// </exception>
    public static LinearGaussianScm Fit(Tensor graph, Tensor data, IReadOnlyList<string>? names = null)
    {
        const string site = "LinearGaussianScm.Fit";
        var g = HostMatrix.Square(graph, site, nameof(graph));
        int d = g.GetLength(0);
        var order = Dag.TopologicalOrder(g)
            ?? throw new ArgumentException($"{site}: the [{d}, {d}] graph is not a DAG (it has a directed cycle or a self-loop), so it defines no SCM; threshold the estimate further or check NotearsResult.IsDag.", nameof(graph));
        var x = HostMatrix.ToArray(data, site, nameof(data));
        int n = x.GetLength(0);
        if (x.GetLength(1) != d)
        {
            throw new ArgumentException($"{site}: the graph has d = {d} nodes but the data has shape [{n}, {x.GetLength(1)}]; pass X as [n, {d}], one column per node.", nameof(data));
        }

        var nodeNames = CheckNames(names, d, site);
        var mean = new double[d];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++)
            {
                if (!double.IsFinite(x[r, j]))
                {
                    throw new ArgumentException($"{site}: X[{r}, {j}] = {x[r, j].ToString(CultureInfo.InvariantCulture)} is not finite.", nameof(data));
                }

                mean[j] += x[r, j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }

        // Centred second moments S = XcᵀXc (unnormalized).
        var s = new double[d, d];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < d; i++)
            {
                double ci = x[r, i] - mean[i];
                for (int j = i; j < d; j++)
                {
                    s[i, j] += ci * (x[r, j] - mean[j]);
                }
            }
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                s[i, j] = s[j, i];
            }

            if (!(Math.Sqrt(s[i, i] / n) > 1e-10 * Math.Max(1, Math.Abs(mean[i]))))
            {
                throw new ArgumentException($"{site}: column {i} ('{nodeNames[i]}') of X is constant ({mean[i].ToString(CultureInfo.InvariantCulture)}), so it has no noise to fit; drop the variable or check the data.", nameof(data));
            }
        }

        var weights = new double[d, d];
        var intercepts = new double[d];
        var scales = new double[d];
        for (int j = 0; j < d; j++)
        {
            var parents = Enumerable.Range(0, d).Where(i => g[i, j] != 0).ToArray();
            int p = parents.Length;
            if (n <= p + 1)
            {
                throw new ArgumentException($"{site}: node {j} ('{nodeNames[j]}') has {p} parents, so its regression needs n > {p + 1} rows; X has {n}.", nameof(data));
            }

            var beta = SolveNormalEquations(s, parents, j) ?? throw new ArgumentException(
                $"{site}: the parents of node {j} ('{nodeNames[j]}') (columns {string.Join(", ", parents)}) are collinear in X, so its weights are not identified.", nameof(data));
            double intercept = mean[j];
            for (int k = 0; k < p; k++)
            {
                weights[parents[k], j] = beta[k];
                intercept -= beta[k] * mean[parents[k]];
            }

            double rss = 0;
            for (int r = 0; r < n; r++)
            {
                double e = x[r, j] - intercept;
                for (int k = 0; k < p; k++)
                {
                    e -= beta[k] * x[r, parents[k]];
                }

                rss += e * e;
            }

            double scale = Math.Sqrt(rss / (n - p - 1));
            if (!(scale > 1e-10 * Math.Sqrt(s[j, j] / n)))
            {
                throw new ArgumentException($"{site}: node {j} ('{nodeNames[j]}') is an exact linear function of its parents in X (residual sd {scale.ToString(CultureInfo.InvariantCulture)}), so a Gaussian mechanism has no noise scale.", nameof(data));
            }

            // A parent whose fitted weight is exactly 0 would drop out of the graph; keep the edge.
            for (int k = 0; k < p; k++)
            {
                if (weights[parents[k], j] == 0)
                {
                    weights[parents[k], j] = double.Epsilon;
                }
            }

            intercepts[j] = intercept;
            scales[j] = scale;
        }

        return new LinearGaussianScm(weights, intercepts, scales, order, nodeNames);
    }

    /// <summary>
    /// The SCM with known weights, intercepts and a common noise scale: e.g. the true model behind
    /// <see cref="LinearSem.Sample"/> (zero intercepts, Gaussian noise of sd <paramref name="noiseScale"/>).
    /// </summary>
    /// <param name="weights">A [d, d] DAG weight matrix, W[i, j] the effect of i on j.</param>
    /// <param name="noiseScale">σ, the same for every node.</param>
    /// <param name="intercepts">The intercepts b_j (default all 0).</param>
    /// <param name="names">Site names (default <c>x0</c>, <c>x1</c>, …).</param>
    /// <exception cref="ArgumentException">W is not square, has a cycle or a non-finite entry; the intercepts are not d finite numbers; the names are invalid; or σ is not positive and finite.</exception>
    public static LinearGaussianScm FromWeights(Tensor weights, double noiseScale = 1.0, IReadOnlyList<double>? intercepts = null, IReadOnlyList<string>? names = null)
    {
        const string site = "LinearGaussianScm.FromWeights";
        var w = HostMatrix.Square(weights, site, nameof(weights));
        int d = w.GetLength(0);
        var order = Dag.TopologicalOrder(w)
            ?? throw new ArgumentException($"{site}: the [{d}, {d}] weight matrix is not a DAG (it has a directed cycle or a self-loop), so it defines no SCM.", nameof(weights));
        if (w.Cast<double>().Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"{site}: the weight matrix has a non-finite entry.", nameof(weights));
        }

        if (!(noiseScale > 0 && double.IsFinite(noiseScale)))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseScale), noiseScale, $"{site}: the noise scale must be positive and finite.");
        }

        var b = intercepts?.ToArray() ?? new double[d];
        if (b.Length != d || b.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"{site}: pass d = {d} finite intercepts; got {b.Length}.", nameof(intercepts));
        }

        return new LinearGaussianScm(w, b, Enumerable.Repeat(noiseScale, d).ToArray(), order, CheckNames(names, d, site));
    }

    /// <summary>
    /// The SCM as a Ppl program: inside a plate <see cref="UnitsPlate"/> of <paramref name="units"/> units,
    /// each node in topological order is a site <c>Sample(name, Normal(b_j + Σ W[i, j]·x_i, σ_j))</c>; returns
    /// the last node's value. Pass it to <see cref="CausalQueries.Interventional{TArgs}"/> (the outcome statistic
    /// is then the mean over the units) or intervene on it with <c>Intervene</c>; it broadcasts over draw and world dims.
    /// </summary>
    /// <param name="units">The plate size (1 for one unit per draw).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is below 1.</exception>
    public object? Model(int units)
    {
        if (units < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(units), units, "LinearGaussianScm.Model: the number of units must be at least 1.");
        }

        using var plate = Primitives.Plate(UnitsPlate, units);
        var values = new Tensor[Nodes];
        Tensor? last = null;
        foreach (int j in _order)
        {
            var loc = tensor(_intercepts[j], dtype: float64);
            foreach (int i in _parents[j])
            {
                loc = loc.add(values[i].mul(_weights[i, j]));
            }

            last = values[j] = Primitives.Sample(_names[j], new Normal(loc, _noiseScales[j]));
        }

        return last;
    }

    /// <summary>
    /// The mean of every node in the mutilated graph: E[X | do(X_i = x_i for each intervention)], computed
    /// exactly by propagating means in topological order (μ_j = b_j + Σ W[i, j]·μ_i) with the intervened nodes fixed.
    /// </summary>
    /// <param name="interventions">Node index → the value it is set to.</param>
    /// <returns>The d means, in column order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is not a node.</exception>
    /// <exception cref="ArgumentException">A value is not finite.</exception>
    public double[] InterventionalMeans(IReadOnlyDictionary<int, double> interventions)
    {
        ArgumentNullException.ThrowIfNull(interventions);
        foreach (var (node, value) in interventions)
        {
            CheckNode(node, nameof(interventions));
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"LinearGaussianScm: do({_names[node]} = {value.ToString(CultureInfo.InvariantCulture)}) is not a finite value.", nameof(interventions));
            }
        }

        var mu = new double[Nodes];
        foreach (int j in _order)
        {
            if (interventions.TryGetValue(j, out double fixedValue))
            {
                mu[j] = fixedValue;
                continue;
            }

            double m = _intercepts[j];
            foreach (int i in _parents[j])
            {
                m += _weights[i, j] * mu[i];
            }

            mu[j] = m;
        }

        return mu;
    }

    /// <summary>E[X_<paramref name="outcome"/> | do(X_<paramref name="treatment"/> = <paramref name="value"/>)] in closed form (see <see cref="InterventionalMeans"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is not a node.</exception>
    public double InterventionalMean(int outcome, int treatment, double value) =>
        InterventionalMeans(new Dictionary<int, double> { [treatment] = value })[CheckNode(outcome, nameof(outcome))];

    /// <summary>E[<paramref name="outcome"/> | do(<paramref name="treatment"/> = <paramref name="value"/>)] in closed form, by site name.</summary>
    /// <exception cref="ArgumentException">A name is not a node's.</exception>
    public double InterventionalMean(string outcome, string treatment, double value) =>
        InterventionalMean(IndexOf(outcome), IndexOf(treatment), value);

    /// <summary>
    /// The total causal effect of <paramref name="treatment"/> on <paramref name="outcome"/>: the slope of
    /// E[X_outcome | do(X_treatment = x)] in x, the sum over directed paths of the products of their weights
    /// (0 when <paramref name="outcome"/> is not a descendant).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is not a node.</exception>
    public double TotalEffect(int treatment, int outcome) =>
        InterventionalMean(outcome, treatment, 1) - InterventionalMean(outcome, treatment, 0);

    private int CheckNode(int node, string name) =>
        node >= 0 && node < Nodes
            ? node
            : throw new ArgumentOutOfRangeException(name, node, $"LinearGaussianScm: node index {node.ToString(CultureInfo.InvariantCulture)} is not in [0, {Nodes.ToString(CultureInfo.InvariantCulture)}).");

    private static string[] CheckNames(IReadOnlyList<string>? names, int d, string site)
    {
        if (names is null)
        {
            return Enumerable.Range(0, d).Select(j => "x" + j.ToString(CultureInfo.InvariantCulture)).ToArray();
        }

        if (names.Count != d)
        {
            throw new ArgumentException($"{site}: {names.Count} names for {d} nodes; pass one per column.", nameof(names));
        }

        if (names.Any(string.IsNullOrEmpty) || names.Distinct(StringComparer.Ordinal).Count() != d || names.Contains(UnitsPlate, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{site}: node names must be distinct, non-empty and not '{UnitsPlate}' (the plate's name); got {string.Join(", ", names)}.", nameof(names));
        }

        return names.ToArray();
    }

    /// <summary>β solving S[P, P] β = S[P, j] by Cholesky; null when S[P, P] is (numerically) singular.</summary>
    private static double[]? SolveNormalEquations(double[,] s, int[] parents, int j)
    {
        int p = parents.Length;
        var l = new double[p, p];
        for (int a = 0; a < p; a++)
        {
            for (int b = 0; b <= a; b++)
            {
                double sum = s[parents[a], parents[b]];
                for (int k = 0; k < b; k++)
                {
                    sum -= l[a, k] * l[b, k];
                }

                if (a == b)
                {
                    if (!(sum > 1e-12 * s[parents[a], parents[a]]))
                    {
                        return null;
                    }

                    l[a, a] = Math.Sqrt(sum);
                }
                else
                {
                    l[a, b] = sum / l[b, b];
                }
            }
        }

        var y = new double[p];
        for (int a = 0; a < p; a++)
        {
            double sum = s[parents[a], j];
            for (int k = 0; k < a; k++)
            {
                sum -= l[a, k] * y[k];
            }

            y[a] = sum / l[a, a];
        }

        var beta = new double[p];
        for (int a = p - 1; a >= 0; a--)
        {
            double sum = y[a];
            for (int k = a + 1; k < p; k++)
            {
                sum -= l[k, a] * beta[k];
            }

            beta[a] = sum / l[a, a];
        }

        return beta;
    }
}
