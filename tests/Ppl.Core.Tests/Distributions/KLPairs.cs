using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// (p, q) pairs with registered closed forms, built in float64 with batch shapes that broadcast,
/// each with Var_p[log p(X) − log q(X)] per batch element in closed form (the ceiling for the
/// Monte-Carlo check's standard error), from the same parameters.
/// </summary>
internal static class KLPairs
{
    private static Tensor T(params double[] values) => tensor(values, dtype: float64);

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    public static Dictionary<string, Func<(Distribution P, Distribution Q)>> All => Cases.ToDictionary(c => c.Key, c => c.Value.Make);

    /// <summary>Var_p[log p − log q] per element of the KL's (flattened) batch.</summary>
    public static Dictionary<string, Func<double[]>> LogRatioVariances => Cases.ToDictionary(c => c.Key, c => c.Value.Variance);

    private static Dictionary<string, (Func<(Distribution P, Distribution Q)> Make, Func<double[]> Variance)> Cases { get; } = new()
    {
        ["Normal-Normal"] = NormalPair(),
        ["Independent(Normal)-Independent(Normal)"] = IndependentNormalPair(),
        ["Expanded(Normal)-Normal"] = ExpandedNormalPair(),
        ["Bernoulli-Bernoulli"] = BernoulliPair(),
        ["Categorical-Categorical"] = CategoricalPair(),
        ["Gamma-Gamma"] = GammaPair(),
        ["Beta-Beta"] = BetaPair(),
        ["Dirichlet-Dirichlet"] = DirichletPair(),
        ["MultivariateNormal-MultivariateNormal"] = MultivariateNormalPair(),
        ["Independent(Gamma)-Independent(Gamma)"] = IndependentGammaPair(),
        ["Delta-Normal"] = (() => (new Delta(T(0.3, -1.0)), new Normal(T(0.0, 1.0), T(2.0, 0.5))), () => [0, 0]),
    };

    /// <summary>X = m₁ + s₁Z: log p − log q = const + (s₁²/s₂² − 1)Z²/2 + s₁ΔZ/s₂², Δ = m₁ − m₂, whose variance is (s₁²/s₂² − 1)²/2 + s₁²Δ²/s₂⁴.</summary>
    private static double NormalVariance(double m1, double s1, double m2, double s2)
    {
        double r = (s1 * s1 / (s2 * s2)) - 1, d = m1 - m2;
        return (r * r / 2) + (s1 * s1 * d * d / (s2 * s2 * s2 * s2));
    }

    /// <summary>log p − log q = const + (α₁ − α₂) log X − (β₁ − β₂) X; Var log X = ψ′(α₁), Var X = α₁/β₁², Cov(log X, X) = 1/β₁.</summary>
    private static double GammaVariance(double a1, double b1, double a2, double b2)
    {
        double da = a1 - a2, db = b1 - b2;
        return (da * da * Polygamma.Trigamma(a1)) + (db * db * a1 / (b1 * b1)) - (2 * da * db / b1);
    }

    /// <summary>log p − log q = const + Σ dₖ log Xₖ, dₖ = α₁ₖ − α₂ₖ; Cov(log Xⱼ, log Xₖ) = ψ′(α₁ₖ)δⱼₖ − ψ′(Σα₁) (a Beta is the two-category case).</summary>
    private static double DirichletVariance(double[] a1, double[] a2)
    {
        var d = a1.Zip(a2, (x, y) => x - y).ToArray();
        return a1.Select((a, k) => d[k] * d[k] * Polygamma.Trigamma(a)).Sum() - (d.Sum() * d.Sum() * Polygamma.Trigamma(a1.Sum()));
    }

    /// <summary>A two-point law: p(1 − p)(r₁ − r₀)² with rᵢ the log ratio at i.</summary>
    private static double BernoulliVariance(double p, double q) =>
        p * (1 - p) * Math.Pow(Math.Log(p / q) - Math.Log((1 - p) / (1 - q)), 2);

    private static (Func<(Distribution, Distribution)>, Func<double[]>) NormalPair()
    {
        double[] m1 = [0.0, 1.0, -2.0], s1 = [1.0, 0.5, 2.0], m2 = [0.5, 0.0, -1.0], s2 = [2.0, 1.0, 1.5];
        return (() => (new Normal(T(m1), T(s1)), new Normal(T(m2), T(s2))), () => [.. Enumerable.Range(0, 3).Select(i => NormalVariance(m1[i], s1[i], m2[i], s2[i]))]);
    }

    private static (Func<(Distribution, Distribution)>, Func<double[]>) IndependentNormalPair()
    {
        double[] m1 = [0.0, 1.0, -2.0, 0.3], s1 = [1.0, 0.5, 2.0, 0.7], m2 = [0.5, 0.0, -1.0, 0.0], s2 = [2.0, 1.0, 1.5, 1.0];

        // the event sums two independent entries per batch element
        return (
            () => (new Normal(T(m1).reshape(2, 2), T(s1).reshape(2, 2)).ToEvent(1), new Normal(T(m2).reshape(2, 2), T(s2).reshape(2, 2)).ToEvent(1)),
            () => [.. Enumerable.Range(0, 2).Select(b => Enumerable.Range(2 * b, 2).Sum(i => NormalVariance(m1[i], s1[i], m2[i], s2[i])))]);
    }

    private static (Func<(Distribution, Distribution)>, Func<double[]>) ExpandedNormalPair()
    {
        double[] m2 = [0.0, 1.0, 2.0], s2 = [1.0, 1.0, 3.0];
        return (() => (new Normal(T(0.2), T(0.8)).Expand(3), new Normal(T(m2), T(s2))), () => [.. Enumerable.Range(0, 3).Select(i => NormalVariance(0.2, 0.8, m2[i], s2[i]))]);
    }

    private static (Func<(Distribution, Distribution)>, Func<double[]>) BernoulliPair()
    {
        double[] p = [0.1, 0.5, 0.9], logits = [0.3, -2.0, 1.0];
        return (() => (Bernoulli.FromProbs(T(p)), Bernoulli.FromLogits(T(logits))), () => [.. Enumerable.Range(0, 3).Select(i => BernoulliVariance(p[i], Sigmoid(logits[i])))]);
    }

    private static (Func<(Distribution, Distribution)>, Func<double[]>) CategoricalPair()
    {
        double[] p = [0.2, 0.3, 0.5, 0.7, 0.2, 0.1], logits = [0.0, 1.0, -1.0, 0.5, 0.5, 0.0];
        double[] Variance()
        {
            var result = new double[2];
            for (int b = 0; b < 2; b++)
            {
                var row = Enumerable.Range(3 * b, 3).ToArray();
                double lse = Math.Log(row.Sum(i => Math.Exp(logits[i])));
                var r = row.Select(i => Math.Log(p[i]) - (logits[i] - lse)).ToArray();
                double mean = row.Select((i, k) => p[i] * r[k]).Sum();
                result[b] = row.Select((i, k) => p[i] * (r[k] - mean) * (r[k] - mean)).Sum();
            }

            return result;
        }

        return (() => (Categorical.FromProbs(T(p).reshape(2, 3)), Categorical.FromLogits(T(logits).reshape(2, 3))), Variance);
    }

    private static (Func<(Distribution, Distribution)>, Func<double[]>) GammaPair()
    {
        double[] a1 = [0.5, 2.0, 5.0], b1 = [1.0, 0.5, 3.0], a2 = [1.0, 3.0, 4.0], b2 = [2.0, 0.5, 1.0];
        return (() => (new Gamma(T(a1), T(b1)), new Gamma(T(a2), T(b2))), () => [.. Enumerable.Range(0, 3).Select(i => GammaVariance(a1[i], b1[i], a2[i], b2[i]))]);
    }

    private static (Func<(Distribution, Distribution)>, Func<double[]>) BetaPair()
    {
        double[] c1 = [0.7, 2.0, 5.0], c0 = [1.5, 2.0, 0.8], d1 = [1.0, 3.0, 4.0], d0 = [2.0, 0.5, 1.0];
        return (() => (new Beta(T(c1), T(c0)), new Beta(T(d1), T(d0))), () => [.. Enumerable.Range(0, 3).Select(i => DirichletVariance([c1[i], c0[i]], [d1[i], d0[i]]))]);
    }

    private static (Func<(Distribution, Distribution)>, Func<double[]>) DirichletPair()
    {
        double[] a1 = [0.7, 2.0, 5.0, 1.0, 1.0, 1.0], a2 = [1.0, 3.0, 4.0, 0.5, 2.0, 1.5];
        return (() => (new Dirichlet(T(a1).reshape(2, 3)), new Dirichlet(T(a2).reshape(2, 3))), () => [.. Enumerable.Range(0, 2).Select(b => DirichletVariance(a1[(3 * b)..(3 * b + 3)], a2[(3 * b)..(3 * b + 3)]))]);
    }

    /// <summary>
    /// X = m₁ + LZ (LLᵀ = Σ₁): log p − log q = const + ½Zᵀ(LᵀΣ₂⁻¹L − I)Z + ZᵀLᵀΣ₂⁻¹(m₁ − m₂), whose
    /// variance is ½ tr(A²) + |b|² for the matrix A and vector b there.
    /// </summary>
    private static (Func<(Distribution, Distribution)>, Func<double[]>) MultivariateNormalPair()
    {
        double[] loc1 = [0.0, 1.0, -1.0, 0.5, 0.5, 0.0], cov1 = [2.0, 0.5, 0.2, 0.5, 1.0, 0.3, 0.2, 0.3, 1.5];
        double[] loc2 = [1.0, 0.0, 0.0], tril2 = [1.5, 0.0, 0.0, 0.4, 0.8, 0.0, -0.3, 0.2, 1.1];
        double[] Variance()
        {
            var l = Matrix<double>.Build.DenseOfRowMajor(3, 3, cov1).Cholesky().Factor;
            var l2 = Matrix<double>.Build.DenseOfRowMajor(3, 3, tril2);
            var precision2 = (l2 * l2.Transpose()).Inverse();
            var a = (l.Transpose() * precision2 * l) - Matrix<double>.Build.DenseIdentity(3);
            return
            [
                .. Enumerable.Range(0, 2).Select(r =>
                {
                    var d = Vector<double>.Build.DenseOfArray(loc1[(3 * r)..(3 * r + 3)]) - Vector<double>.Build.DenseOfArray(loc2);
                    var b = l.Transpose() * precision2 * d;
                    return ((a * a).Trace() / 2) + b.DotProduct(b);
                }),
            ];
        }

        return (() => (MultivariateNormal.FromCovariance(T(loc1).reshape(2, 3), T(cov1).reshape(3, 3)), MultivariateNormal.FromScaleTril(T(loc2), T(tril2).reshape(3, 3))), Variance);
    }

    private static (Func<(Distribution, Distribution)>, Func<double[]>) IndependentGammaPair()
    {
        double[] a1 = [0.5, 2.0, 5.0, 1.0], b1 = [1.0, 0.5, 3.0, 2.0], a2 = [1.0, 3.0, 4.0, 1.5], b2 = [2.0, 0.5, 1.0, 1.0];
        return (() => (new Gamma(T(a1), T(b1)).ToEvent(1), new Gamma(T(a2), T(b2)).ToEvent(1)), () => [Enumerable.Range(0, 4).Sum(i => GammaVariance(a1[i], b1[i], a2[i], b2[i]))]);
    }
}
