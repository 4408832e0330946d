using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Ppl.Inference.Guides;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

/// <summary>Models with closed-form posteriors, and guides by name for theories.</summary>
internal static class ConjugateModels
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

    public static AutoGuide<T> Make<T>(string kind, Func<T, object?> model) => kind switch
    {
        "AutoNormal" => new AutoNormal<T>(model),
        "AutoDiagonalNormal" => new AutoDiagonalNormal<T>(model),
        "AutoMultivariateNormal" => new AutoMultivariateNormal<T>(model),
        "AutoLowRankMultivariateNormal" => new AutoLowRankMultivariateNormal<T>(model, rank: 1),
        "AutoLowRankMultivariateNormal2" => new AutoLowRankMultivariateNormal<T>(model, rank: 2),
        "AutoDelta" => new AutoDelta<T>(model),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    private static double Gauss(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
