using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Importance;

/// <summary>Conjugate models with closed-form evidence and posterior, in float64.</summary>
internal static class ConjugateModels
{
    public const double Tau = 1.5;
    public const double Sigma = 0.8;
    public const double A = 2.0;
    public const double B = 3.0;

    public static readonly double[] NormalData = [0.8, 1.9, 1.2, 0.4, 1.6, 1.1];
    public static readonly double[] Flips = [1, 0, 1, 1, 0, 1, 1, 1, 0, 1];

    public static Tensor Scalar(Tensor like, double value) => full(Array.Empty<long>(), value, dtype: like.dtype, device: like.device);

    /// <summary>mu ~ N(0, τ²), x_i ~ N(mu, σ²).</summary>
    public static Tensor NormalModel(Tensor x)
    {
        var mu = Sample("mu", new Normal(Scalar(x, 0), Scalar(x, Tau)));
        using var data = Plate("data", x.shape[0]);
        Sample("x", new Normal(mu, Scalar(x, Sigma)), obs: x);
        return mu;
    }

    /// <summary>The exact posterior of <see cref="NormalModel"/> for <see cref="NormalData"/>.</summary>
    public static Tensor NormalPosteriorGuide(Tensor x)
    {
        var (mean, sd) = NormalPosterior();
        return Sample("mu", new Normal(Scalar(x, mean), Scalar(x, sd)));
    }

    public static (double Mean, double Sd) NormalPosterior()
    {
        double precision = (1 / (Tau * Tau)) + (NormalData.Length / (Sigma * Sigma));
        return (NormalData.Sum() / (Sigma * Sigma) / precision, Math.Sqrt(1 / precision));
    }

    /// <summary>log N(x; 0, σ²I + τ²11ᵀ), the marginal likelihood of <see cref="NormalData"/>.</summary>
    public static double NormalLogEvidence()
    {
        int n = NormalData.Length;
        var cov = Matrix<double>.Build.DenseIdentity(n).Multiply(Sigma * Sigma).Add(Matrix<double>.Build.Dense(n, n, Tau * Tau));
        var x = Vector<double>.Build.DenseOfArray(NormalData);
        var chol = cov.Cholesky();
        double quad = x.DotProduct(chol.Solve(x));
        return -0.5 * ((n * Math.Log(2 * Math.PI)) + chol.DeterminantLn + quad);
    }

    /// <summary>p ~ Beta(a, b), x_i ~ Bernoulli(p).</summary>
    public static Tensor BetaBernoulliModel(Tensor x)
    {
        var p = Sample("p", new Beta(Scalar(x, A), Scalar(x, B)));
        using var data = Plate("data", x.shape[0]);
        Sample("x", Bernoulli.FromProbs(p), obs: x);
        return p;
    }

    /// <summary>The exact posterior Beta(a + k, b + n − k).</summary>
    public static Tensor BetaPosteriorGuide(Tensor x)
    {
        double k = Flips.Sum();
        return Sample("p", new Beta(Scalar(x, A + k), Scalar(x, B + Flips.Length - k)));
    }

    /// <summary>log B(a + k, b + n − k) − log B(a, b).</summary>
    public static double BetaBernoulliLogEvidence()
    {
        double k = Flips.Sum();
        return SpecialFunctions.BetaLn(A + k, B + Flips.Length - k) - SpecialFunctions.BetaLn(A, B);
    }
}
