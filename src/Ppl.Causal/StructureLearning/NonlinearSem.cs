using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Data from a nonlinear structural equation model xⱼ = fⱼ(X_pa(j)) + zⱼ with zⱼ ~ N(0, 1), each
/// fⱼ drawn at random from a family, sampled node by node in topological order as the reference's
/// <c>utils.simulate_nonlinear_sem</c> does.
/// </summary>
public static class NonlinearSem
{
    private const string Site = "NonlinearSem.Sample";
    private const int MlpHidden = 100;

    /// <summary><paramref name="samples"/> rows of a random nonlinear SEM on the given graph.</summary>
    /// <param name="structure">A float [d, d] DAG adjacency (any nonzero S[i, j] means i → j; only the pattern matters).</param>
    /// <param name="samples">n ≥ 1.</param>
    /// <param name="mechanism">The family the fⱼ are drawn from.</param>
    /// <param name="random">The source of randomness (e.g. <c>new Random(seed)</c>) for the mechanisms and the noise.</param>
    /// <returns>A float64 CPU tensor [n, d].</returns>
    /// <exception cref="ArgumentException">The structure is not square 2-D, has a cycle, n is not positive, or the mechanism is unknown.</exception>
    public static Tensor Sample(Tensor structure, int samples, NonlinearMechanism mechanism, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var s = HostMatrix.Square(structure, Site, nameof(structure));
        if (samples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"{Site}: the number of samples n must be at least 1.");
        }

        if (!Enum.IsDefined(mechanism))
        {
            throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, $"{Site}: unknown mechanism.");
        }

        int d = s.GetLength(0);
        var order = Dag.TopologicalOrder(s)
            ?? throw new ArgumentException($"{Site}: the [{d}, {d}] structure has a directed cycle, so the SEM has no topological order; pass a DAG (Dag.IsDag).", nameof(structure));
        using var scope = NewDisposeScope();
        var columns = new Tensor[d];
        foreach (int j in order)
        {
            var parents = Enumerable.Range(0, d).Where(i => s[i, j] != 0).ToArray();
            var noise = Normal(random, samples);
            columns[j] = parents.Length == 0
                ? noise
                : Mechanism(stack(parents.Select(i => columns[i]).ToArray(), 1), mechanism, random).add(noise);
        }

        return stack(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>fⱼ(X_pa) for parents [n, p], drawing fⱼ.</summary>
    private static Tensor Mechanism(Tensor parents, NonlinearMechanism mechanism, Random random)
    {
        int p = (int)parents.shape[1];
        switch (mechanism)
        {
            case NonlinearMechanism.Mlp:
                var w1 = SignedUniform(random, p, MlpHidden);
                var w2 = SignedUniform(random, MlpHidden, 1);
                return parents.CheckedMatMul(w1).sigmoid().CheckedMatMul(w2).squeeze(-1);
            case NonlinearMechanism.MultipleIndex:
                var u1 = parents.CheckedMatMul(SignedUniform(random, p, 1)).squeeze(-1);
                var u2 = parents.CheckedMatMul(SignedUniform(random, p, 1)).squeeze(-1);
                var u3 = parents.CheckedMatMul(SignedUniform(random, p, 1)).squeeze(-1);
                return u1.tanh().add(u2.cos()).add(u3.sin());
            case NonlinearMechanism.GaussianProcess:
                return GaussianProcessDraw(parents, random);
            default:
                var sum = zeros(parents.shape[0], dtype: float64);
                for (int i = 0; i < p; i++)
                {
                    sum = sum.add(GaussianProcessDraw(parents[.., i..(i + 1)], random));
                }

                return sum;
        }
    }

    /// <summary>
    /// One draw of g at the n rows of U [n, p] from the GP with kernel exp(−‖u − v‖²/2), through
    /// the eigendecomposition of the kernel matrix: it is numerically singular for close points, where
    /// a Cholesky factor would fail.
    /// </summary>
    private static Tensor GaussianProcessDraw(Tensor u, Random random)
    {
        var kernel = cdist(u, u).square().mul(-0.5).exp();
        var (values, vectors) = linalg.eigh(kernel);
        var z = Normal(random, (int)u.shape[0]);
        return vectors.CheckedMatMul(values.clamp_min(0).sqrt().mul(z));
    }

    /// <summary>A [rows, cols] float64 matrix with entries ~ U([−2, −0.5] ∪ [0.5, 2]).</summary>
    private static Tensor SignedUniform(Random random, int rows, int cols)
    {
        var w = new double[rows * cols];
        for (int k = 0; k < w.Length; k++)
        {
            double magnitude = 0.5 + (1.5 * random.NextDouble());
            w[k] = random.NextDouble() < 0.5 ? -magnitude : magnitude;
        }

        return tensor(w, [rows, cols], dtype: float64);
    }

    private static Tensor Normal(Random random, int n)
    {
        var z = new double[n];
        for (int r = 0; r < n; r++)
        {
            z[r] = LinearSem.StandardNormal(random);
        }

        return tensor(z, dtype: float64);
    }
}
