using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Posterior;

/// <summary>The four conjugate models of the posterior tests, their data and their exact posteriors in closed form.</summary>
internal static class ConjugateModels
{
    // Normal–Normal with known variance: μ ~ N(0, 2²), xᵢ ~ N(μ, 1)
    public static readonly double[] NormalData = [1.2, 0.4, 2.1, 1.7, 0.9, 1.5, 2.4, 0.3, 1.1, 1.8];
    public const double PriorSd = 2.0;

    public static Tensor NormalModel(Tensor x)
    {
        var mu = Sample("mu", new Normal(0.0f, (float)PriorSd).Expand());
        using var data = Plate("data", x.shape[0]);
        return Sample("x", new Normal(mu, 1.0), obs: x);
    }

    public static (double Mean, double Sd) NormalPosterior()
    {
        double precision = (1 / (PriorSd * PriorSd)) + NormalData.Length;
        return (NormalData.Sum() / precision, Math.Sqrt(1 / precision));
    }

    // Beta–Bernoulli: p ~ Beta(2, 2), 20 flips with 14 successes
    public static readonly double[] Flips = [.. Enumerable.Repeat(1.0, 14), .. Enumerable.Repeat(0.0, 6)];

    public static Tensor BetaModel(Tensor flips)
    {
        var p = Sample("p", new Beta(2.0, 2.0));
        using var data = Plate("data", flips.shape[0]);
        return Sample("flip", Bernoulli.FromProbs(p), obs: flips);
    }

    public static (double A, double B) BetaPosterior() => (2 + Flips.Sum(), 2 + Flips.Length - Flips.Sum());

    // Gamma–Poisson: λ ~ Gamma(3, rate 1), counts ~ Poisson(λ)
    public static readonly double[] Counts = [2, 4, 3, 5, 1, 3, 4, 2];

    public static Tensor GammaModel(Tensor counts)
    {
        var rate = Sample("rate", new Gamma(3.0, 1.0));
        using var data = Plate("data", counts.shape[0]);
        return Sample("count", new Poisson(rate), obs: counts);
    }

    public static (double Shape, double Rate) GammaPosterior() => (3 + Counts.Sum(), 1 + Counts.Length);

    // Bayesian linear regression with known noise: w ~ N(0, I₃), y = X w + N(0, 0.5²)
    public const double NoiseSd = 0.5;

    public sealed record Regression(Tensor X, Tensor Y);

    public static Regression RegressionData()
    {
        var gen = new Generator(2024, CPU);
        var x = randn([40, 3], generator: gen);
        var y = x.matmul(tensor(new[] { 0.8f, -1.5f, 0.3f })).add(randn([40], generator: gen).mul((float)NoiseSd));
        return new Regression(x, y);
    }

    public static Tensor RegressionModel(Regression d)
    {
        var w = Sample("w", new Normal(zeros(3), 1.0).ToEvent(1));
        using var data = Plate("data", d.X.shape[0]);
        return Sample("y", new Normal(d.X.mul(w).sum(-1), NoiseSd), obs: d.Y);
    }

    /// <summary>Σ = (I + XᵀX/σ²)⁻¹ and μ = Σ Xᵀy/σ², computed with MathNet in float64.</summary>
    public static (Vector<double> Mean, Matrix<double> Covariance) RegressionPosterior(Regression d)
    {
        var x = Matrix<double>.Build.DenseOfRowMajor(40, 3, d.X.to(float64).data<double>().ToArray());
        var y = Vector<double>.Build.Dense(d.Y.to(float64).data<double>().ToArray());
        double v = NoiseSd * NoiseSd;
        var precision = Matrix<double>.Build.DenseIdentity(3) + (x.TransposeThisAndMultiply(x) / v);
        var covariance = precision.Inverse();
        return (covariance * (x.TransposeThisAndMultiply(y) / v), covariance);
    }
}
