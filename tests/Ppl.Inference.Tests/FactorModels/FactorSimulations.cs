using static TorchSharp.torch;

namespace Ppl.Tests.Inference.FactorModels;

/// <summary>Small data sets drawn from the factor models themselves, with their truth.</summary>
internal static class FactorSimulations
{
    /// <summary>A_ij ~ Bernoulli(σ(Z_i · θ_j + b_j)), Z ~ N(0, I_K), θ ~ N(0, <paramref name="loading"/>² I), b ~ N(−1.5, 0.3²): (causes, Z).</summary>
    public static (Tensor Causes, Tensor Z, Tensor Theta, Tensor Bias) Logistic(int n, int m, int k, long seed, double loading = 1.5)
    {
        var g = new Generator((ulong)seed);
        var z = randn(n, k, dtype: float64, generator: g);
        var theta = randn(m, k, dtype: float64, generator: g).mul(loading);
        var bias = randn(m, dtype: float64, generator: g).mul(0.3).sub(1.5);
        var p = z.matmul(theta.T).add(bias).sigmoid();
        return (rand(n, m, dtype: float64, generator: g).lt(p).to(float32), z, theta, bias);
    }

    /// <summary>A_ij ~ Poisson(Z_i · θ_j), Z and θ ~ Gamma(1, 1): (causes, rates).</summary>
    public static (Tensor Causes, Tensor Rates) Poisson(int n, int m, int k, long seed)
    {
        var g = new Generator((ulong)seed);
        var z = rand(n, k, dtype: float64, generator: g).log().neg(); // Exponential(1) = Gamma(1, 1)
        var theta = rand(m, k, dtype: float64, generator: g).log().neg();
        var rates = z.matmul(theta.T);
        return (poisson(rates, generator: g).to(float32), rates);
    }

    /// <summary>
    /// Genotypes with spatial population structure, as in Wang &amp; Blei's GWAS simulation: G_ij ~
    /// Binomial(2, S_i · Γ_j), S_i = (s_i1, s_i2, 1), s ~ Beta(a, a), Γ_j = (0.45u, 0.45u′, 0.05): (genotypes,
    /// their means 2 S_i · Γ_j, a rank-3 nonnegative matrix).
    /// </summary>
    public static (Tensor Genotypes, Tensor Means) Genotypes(int n, int m, double a, long seed)
    {
        var g = new Generator((ulong)seed);
        var places = new Ppl.Distributions.Beta(full(n, 2, a, dtype: float64), full(n, 2, a, dtype: float64)).Sample(g);
        var s = cat([places, ones(n, 1, dtype: float64)], 1);
        var gamma = cat([rand(m, 2, dtype: float64, generator: g).mul(0.45), full(m, 1, 0.05, dtype: float64)], 1);
        var p = s.matmul(gamma.T);
        var genotypes = rand(n, m, dtype: float64, generator: g).lt(p).to(float64).add(rand(n, m, dtype: float64, generator: g).lt(p).to(float64));
        return (genotypes.to(float32), p.mul(2));
    }

    /// <summary>Σ log Poisson(counts | rates) over the entries <paramref name="observed"/> keeps (all when null), in float64.</summary>
    public static double PoissonLogLikelihood(Tensor counts, Tensor rates, Tensor? observed = null)
    {
        var k = counts.to(float64);
        var terms = k.mul(rates.to(float64).log()).sub(rates.to(float64)).sub(k.add(1).lgamma());
        return (observed is null ? terms : terms.mul(observed.to(float64))).sum().item<double>();
    }
}
