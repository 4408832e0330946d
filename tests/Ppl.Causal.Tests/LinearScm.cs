using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal;

/// <summary>
/// The linear-Gaussian SCM of the tests: U → X → Y → Z with U → Y (U confounds X and Y).
/// U = ε_u, X = αU + ε_x, Y = βX + γU + ε_y, Z = δY + ε_z, independent Gaussian noise.
/// The closed forms come from the linear map of the noise, independently of the library.
/// </summary>
internal sealed record LinearScm(double Alpha = 1.2, double Beta = 2.0, double Gamma = -1.5, double Delta = 0.7, double SigmaX = 0.8, double SigmaY = 0.5, double SigmaZ = 0.3)
{
    public static readonly string[] Names = ["u", "x", "y", "z"];

    /// <summary>The model as a Ppl program with scalar sites (vectorizes under plates).</summary>
    public object? Model(bool _)
    {
        var u = Sample("u", new Normal(zeros(1, dtype: float64).squeeze(0), 1.0));
        var x = Sample("x", new Normal(u.mul(Alpha), SigmaX));
        var y = Sample("y", new Normal(x.mul(Beta).add(u.mul(Gamma)), SigmaY));
        return Sample("z", new Normal(y.mul(Delta), SigmaZ));
    }

    /// <summary>Rows u, x, y, z as linear functions of the noise (ε_u, ε_x, ε_y, ε_z).</summary>
    public Matrix<double> Map()
    {
        var m = Matrix<double>.Build.Dense(4, 4);
        m[0, 0] = 1;
        m.SetRow(1, m.Row(0) * Alpha);
        m[1, 1] += 1;
        m.SetRow(2, (m.Row(1) * Beta) + (m.Row(0) * Gamma));
        m[2, 2] += 1;
        m.SetRow(3, m.Row(2) * Delta);
        m[3, 3] += 1;
        return m;
    }

    public Matrix<double> NoiseCovariance() =>
        Matrix<double>.Build.DiagonalOfDiagonalArray([1.0, SigmaX * SigmaX, SigmaY * SigmaY, SigmaZ * SigmaZ]);

    /// <summary>Covariance of (u, x, y, z).</summary>
    public Matrix<double> Covariance() => Map() * NoiseCovariance() * Map().Transpose();

    /// <summary>Mean and covariance of the variables in <paramref name="query"/> given the observed ones (all means are 0 a priori).</summary>
    public (Vector<double> Mean, Matrix<double> Cov) Condition(int[] query, int[] observed, double[] values)
    {
        var c = Covariance();
        var sqq = Sub(c, query, query);
        var sqo = Sub(c, query, observed);
        var soo = Sub(c, observed, observed);
        var gain = sqo * soo.Inverse();
        return (gain * Vector<double>.Build.DenseOfArray(values), sqq - (gain * sqo.Transpose()));
    }

    /// <summary>The joint density of the variables in <paramref name="observed"/> at <paramref name="values"/>.</summary>
    public double Density(int[] observed, double[] values)
    {
        var c = Sub(Covariance(), observed, observed);
        var v = Vector<double>.Build.DenseOfArray(values);
        return Math.Exp(-0.5 * ((observed.Length * Math.Log(2 * Math.PI)) + Math.Log(c.Determinant()) + v.DotProduct(c.Solve(v))));
    }

    /// <summary>
    /// n × the variance of the self-normalized likelihood-weighting estimate of
    /// E[<paramref name="query"/> | <paramref name="observed"/> = <paramref name="values"/>] from n
    /// draws (the model run with the observed sites held at their values, each draw weighted by their
    /// likelihoods w): E_q[w²(f − μ)²] / E_q[w]². A Gaussian likelihood squared is
    /// N(o; m, σ²)² = N(o; m, σ²/2) / (2σ√π), so the numerator is Π 1/(2σ√π) · Z′ · E′[(f − μ)²], where
    /// Z′ and E′ are the evidence and posterior of the same SCM with the observed sites' noise
    /// variances halved; the denominator is Z², the evidence squared.
    /// </summary>
    public double LikelihoodWeightingVariance(int query, int[] observed, double[] values)
    {
        var (sharper, factor) = Sharpened(observed);
        double mean = Condition([query], observed, values).Mean[0];
        var (sharperMean, sharperCov) = sharper.Condition([query], observed, values);
        double shift = sharperMean[0] - mean;
        double z = Density(observed, values);
        return factor * sharper.Density(observed, values) * (sharperCov[0, 0] + (shift * shift)) / (z * z);
    }

    /// <summary>The limit of Kish's effective sample size of n likelihood-weighted draws, n·E_q[w]²/E_q[w²] (same identity as <see cref="LikelihoodWeightingVariance"/>).</summary>
    public double LikelihoodWeightingEss(int[] observed, double[] values, double n)
    {
        var (sharper, factor) = Sharpened(observed);
        double z = Density(observed, values);
        return n * z * z / (factor * sharper.Density(observed, values));
    }

    private (LinearScm Sharper, double Factor) Sharpened(int[] observed)
    {
        if (observed.Contains(0))
        {
            throw new ArgumentException("the confounder u has no noise parameter to halve", nameof(observed));
        }

        double[] sigmas = [1, SigmaX, SigmaY, SigmaZ];
        double factor = observed.Aggregate(1.0, (f, k) => f / (2 * sigmas[k] * Math.Sqrt(Math.PI)));
        double Halved(int k, double sigma) => observed.Contains(k) ? sigma / Math.Sqrt(2) : sigma;
        return (this with { SigmaX = Halved(1, SigmaX), SigmaY = Halved(2, SigmaY), SigmaZ = Halved(3, SigmaZ) }, factor);
    }

    private static Matrix<double> Sub(Matrix<double> m, int[] rows, int[] cols) =>
        Matrix<double>.Build.Dense(rows.Length, cols.Length, (i, j) => m[rows[i], cols[j]]);
}
