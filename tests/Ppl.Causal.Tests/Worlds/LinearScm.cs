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

    private static Matrix<double> Sub(Matrix<double> m, int[] rows, int[] cols) =>
        Matrix<double>.Build.Dense(rows.Length, cols.Length, (i, j) => m[rows[i], cols[j]]);
}
