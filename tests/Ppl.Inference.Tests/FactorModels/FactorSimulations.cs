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
}
