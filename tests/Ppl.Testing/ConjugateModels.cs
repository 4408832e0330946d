using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Testing;

/// <summary>
/// The catalog of conjugate models with closed forms (posterior, and where a test needs it the log
/// evidence), with their data. The three sets differ in priors, data and dtype, and each is pinned by
/// the tests that were written against it, so each keeps its own numbers under its own name; a new
/// test picks the set whose closed forms it needs (or adds one here).
/// </summary>
public static class ConjugateModels
{
    /// <summary>
    /// Four families, float32: Normal–Normal with known variance (μ ~ N(0, 2²), 10 points),
    /// Beta(2, 2)–Bernoulli (14 of 20), Gamma(3, rate 1)–Poisson (8 counts) and a 3-D Bayesian
    /// linear regression, each with its exact posterior (the posterior and hand-guide tests).
    /// </summary>
    public static class FourFamilies
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

    /// <summary>
    /// Standard normal priors: μ ~ N(0, 1) with x ~ N(μ, 1), and a 2-D regression w ~ N(0, I₂) on a
    /// correlated design, with its exact posterior and log evidence (the autoguide posterior tests).
    /// </summary>
    public static class StandardNormalPriors
    {
        public static readonly double[] NormalData = [0.8, 1.9, 1.2, 0.4, 1.6, 1.1, 2.2, 0.9];

        /// <summary>mu ~ N(0, 1), x_i ~ N(mu, 1): posterior N(Σx/(n+1), 1/(n+1)).</summary>
        public static Tensor NormalNormal(Tensor x)
        {
            var mu = Sample("mu", new Normal(0.0, 1.0));
            using var data = Plate("data", x.shape[0]);
            Sample("x", new Normal(mu, 1.0), obs: x);
            return mu;
        }

        public const double RegressionNoise = 0.5;

        /// <summary>w ~ N(0, I₂), y_i ~ N(x_i·w, 0.5²).</summary>
        public static Tensor Regression((Tensor X, Tensor Y) d)
        {
            var w = Sample("w", new Normal(zeros(2, dtype: d.X.dtype, device: d.X.device), 1.0).ToEvent(1));
            using var data = Plate("data", d.X.shape[0]);
            // X [n, 2] broadcasts against w [..., 1, 2] when particles add dims on the left
            Sample("y", new Normal(d.X.mul(w).sum(-1), RegressionNoise), obs: d.Y);
            return w;
        }

        /// <summary>A design with correlated columns and responses from w = (1, −0.5), fixed by a seed.</summary>
        public static (double[,] X, double[] Y) RegressionData()
        {
            var rng = new Random(7);
            const int n = 20;
            var x = new double[n, 2];
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                double a = Gauss(rng), b = Gauss(rng);
                x[i, 0] = a;
                x[i, 1] = 0.8 * a + 0.6 * b;
                y[i] = x[i, 0] - 0.5 * x[i, 1] + RegressionNoise * Gauss(rng);
            }

            return (x, y);
        }

        /// <summary>The exact posterior of the regression: mean and covariance (Λ = I + XᵀX/σ², μ = Λ⁻¹Xᵀy/σ²).</summary>
        public static (Vector<double> Mean, Matrix<double> Cov) RegressionPosterior(double[,] x, double[] y)
        {
            var xm = Matrix<double>.Build.DenseOfArray(x);
            var yv = Vector<double>.Build.DenseOfArray(y);
            double s2 = RegressionNoise * RegressionNoise;
            var precision = Matrix<double>.Build.DenseIdentity(2) + xm.TransposeThisAndMultiply(xm) / s2;
            var cov = precision.Inverse();
            return (cov * (xm.TransposeThisAndMultiply(yv) / s2), cov);
        }

        /// <summary>log p(y) of the regression: y ~ N(0, XXᵀ + σ²I) once w is integrated out.</summary>
        public static double RegressionLogEvidence(double[,] x, double[] y)
        {
            var xm = Matrix<double>.Build.DenseOfArray(x);
            var yv = Vector<double>.Build.DenseOfArray(y);
            var cov = xm.TransposeAndMultiply(xm) + (Matrix<double>.Build.DenseIdentity(y.Length) * (RegressionNoise * RegressionNoise));
            var chol = cov.Cholesky();
            return -0.5 * ((y.Length * Math.Log(2 * Math.PI)) + chol.DeterminantLn + yv.DotProduct(chol.Solve(yv)));
        }

        public static (Tensor X, Tensor Y) RegressionTensors()
        {
            var (x, y) = RegressionData();
            var flat = new float[x.Length];
            for (int i = 0; i < x.GetLength(0); i++)
            {
                flat[2 * i] = (float)x[i, 0];
                flat[(2 * i) + 1] = (float)x[i, 1];
            }

            return (tensor(flat).reshape(-1, 2), tensor(y.Select(v => (float)v).ToArray()));
        }

        private static double Gauss(Random rng) =>
            Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
    }

    /// <summary>
    /// Normal–Normal (τ = 1.5, σ = 0.8) and Beta(2, 3)–Bernoulli in the data's dtype, each with its
    /// exact posterior written as a guide and its log evidence in float64 (the importance tests).
    /// </summary>
    public static class WithPosteriorGuides
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
}
