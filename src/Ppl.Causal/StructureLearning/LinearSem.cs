using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Data from a linear structural equation model X = XW + Z (row vector convention: W[i, j] is the
/// effect of node i on node j), sampled node by node in topological order as the reference's
/// <c>utils.simulate_linear_sem</c> does.
/// </summary>
public static class LinearSem
{
    /// <summary>
    /// <paramref name="samples"/> rows of the SEM with weights <paramref name="weights"/> and
    /// independent, equal-scale noise of the given type.
    /// </summary>
    /// <param name="weights">A float [d, d] DAG weight matrix (W[i, j] ≠ 0 means i → j).</param>
    /// <param name="samples">n ≥ 1.</param>
    /// <param name="noise">The noise distribution (or <see cref="SemNoise.Logistic"/> for binary data).</param>
    /// <param name="random">The source of randomness (e.g. <c>new Random(seed)</c>).</param>
    /// <param name="scale">The noise scale, the same for every node (the reference's default 1): the standard deviation for Gaussian noise.</param>
    /// <returns>A float64 CPU tensor [n, d].</returns>
    /// <exception cref="ArgumentException">W is not square 2-D, has a cycle, or n or the scale is not positive.</exception>
    public static Tensor Sample(Tensor weights, int samples, SemNoise noise, Random random, double scale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(random);
        var w = HostMatrix.Square(weights, "LinearSem.Sample", nameof(weights));
        if (samples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "LinearSem.Sample: the number of samples n must be at least 1.");
        }

        if (!(scale > 0 && double.IsFinite(scale)))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "LinearSem.Sample: the noise scale must be positive and finite.");
        }

        int d = w.GetLength(0);
        var order = Dag.TopologicalOrder(w)
            ?? throw new ArgumentException($"LinearSem.Sample: the [{d}, {d}] weight matrix has a directed cycle, so the SEM has no topological order; pass a DAG (Dag.IsDag).", nameof(weights));
        var x = new double[samples, d];
        foreach (int j in order)
        {
            for (int r = 0; r < samples; r++)
            {
                double mean = 0;
                for (int i = 0; i < d; i++)
                {
                    if (w[i, j] != 0)
                    {
                        mean += x[r, i] * w[i, j];
                    }
                }

                x[r, j] = noise switch
                {
                    SemNoise.Gaussian => mean + (scale * StandardNormal(random)),
                    SemNoise.Exponential => mean - (scale * Math.Log(1 - random.NextDouble())),
                    SemNoise.Gumbel => mean - (scale * Math.Log(-Math.Log(OpenUnit(random)))),
                    SemNoise.Logistic => random.NextDouble() < 1 / (1 + Math.Exp(-mean)) ? 1 : 0,
                    _ => throw new ArgumentOutOfRangeException(nameof(noise), noise, "LinearSem.Sample: unknown noise type."),
                };
            }
        }

        return HostMatrix.ToTensor(x);
    }

    /// <summary>
    /// The covariance of the Gaussian (or any zero-mean equal-variance) SEM, Σ = scale² (I − W)⁻ᵀ(I − W)⁻¹:
    /// the population second moment that the least-squares loss sees as n → ∞.
    /// </summary>
    /// <param name="weights">A float [d, d] DAG weight matrix.</param>
    /// <param name="scale">The noise standard deviation.</param>
    /// <returns>A float64 [d, d] tensor.</returns>
    /// <exception cref="ArgumentException">W is not square 2-D or has a cycle.</exception>
    public static Tensor PopulationCovariance(Tensor weights, double scale = 1.0)
    {
        var w = HostMatrix.Square(weights, "LinearSem.PopulationCovariance", nameof(weights));
        int d = w.GetLength(0);
        if (Dag.TopologicalOrder(w) is null)
        {
            throw new ArgumentException($"LinearSem.PopulationCovariance: the [{d}, {d}] weight matrix has a directed cycle; pass a DAG.", nameof(weights));
        }

        using var scope = NewDisposeScope();
        var inverse = linalg.inv(eye(d, dtype: float64).sub(HostMatrix.ToTensor(w)));
        return inverse.T.CheckedMatMul(inverse).mul(scale * scale).MoveToOuterDisposeScope();
    }

    internal static double StandardNormal(Random random)
    {
        double u = OpenUnit(random), v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>Uniform on (0, 1): never 0, so its logarithm is finite.</summary>
    private static double OpenUnit(Random random) => 1 - random.NextDouble();
}
