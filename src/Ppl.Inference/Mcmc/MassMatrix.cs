using MathNet.Numerics.LinearAlgebra;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The metric of Hamiltonian Monte Carlo, given by its inverse M⁻¹ (Stan's "inverse metric"): the
/// kinetic energy is ½ pᵀM⁻¹p and momenta are drawn from N(0, M). Warm-up sets M⁻¹ to the estimated
/// posterior covariance in unconstrained space, which makes the position's scales (and, dense, its
/// correlations) those of a standard normal for the integrator.
/// </summary>
public sealed class MassMatrix
{
    private readonly double[]? _diagonal; // M⁻¹ diagonal
    private readonly double[]? _sqrtMass; // √M diagonal
    private readonly Matrix<double>? _dense; // M⁻¹
    private readonly Matrix<double>? _momentumFactor; // L⁻ᵀ with M⁻¹ = LLᵀ, so L⁻ᵀz ~ N(0, M)

    private MassMatrix(double[] diagonal)
    {
        _diagonal = diagonal;
        _sqrtMass = [.. diagonal.Select(v => 1 / Math.Sqrt(v))];
        Dimension = diagonal.Length;
    }

    private MassMatrix(Matrix<double> dense)
    {
        _dense = dense;
        var cholesky = dense.Cholesky().Factor;
        _momentumFactor = cholesky.Inverse().Transpose();
        Dimension = dense.RowCount;
    }

    /// <summary>True for a dense metric, false for a diagonal one.</summary>
    public bool IsDense => _dense is not null;

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>M⁻¹ as a row-major array: D entries (diagonal) or D × D (dense).</summary>
    public double[] Inverse => _diagonal is not null ? [.. _diagonal] : _dense!.ToRowMajorArray();

    /// <summary>The identity metric of dimension <paramref name="dimension"/>.</summary>
    public static MassMatrix Identity(int dimension, bool dense) =>
        dense ? new MassMatrix(Matrix<double>.Build.DenseIdentity(dimension)) : new MassMatrix(Enumerable.Repeat(1.0, dimension).ToArray());

    /// <summary>A diagonal metric with inverse diagonal <paramref name="inverseDiagonal"/> (positive, finite).</summary>
    /// <exception cref="ArgumentException">An entry is not positive and finite.</exception>
    public static MassMatrix Diagonal(double[] inverseDiagonal)
    {
        ArgumentNullException.ThrowIfNull(inverseDiagonal);
        if (inverseDiagonal.Any(v => !(v > 0) || double.IsInfinity(v)))
        {
            throw new ArgumentException("MassMatrix.Diagonal: every entry of the inverse metric must be positive and finite.", nameof(inverseDiagonal));
        }

        return new MassMatrix([.. inverseDiagonal]);
    }

    /// <summary>A dense metric with inverse <paramref name="inverse"/> (symmetric positive definite).</summary>
    /// <exception cref="ArgumentException">The matrix is not square or not positive definite.</exception>
    public static MassMatrix Dense(Matrix<double> inverse)
    {
        ArgumentNullException.ThrowIfNull(inverse);
        if (inverse.RowCount != inverse.ColumnCount)
        {
            throw new ArgumentException($"MassMatrix.Dense: the inverse metric must be square; it is {inverse.RowCount} × {inverse.ColumnCount}.", nameof(inverse));
        }

        try
        {
            return new MassMatrix(inverse.Clone());
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("MassMatrix.Dense: the inverse metric is not positive definite.", nameof(inverse), e);
        }
    }

    /// <summary>The velocity M⁻¹p (Stan's p♯).</summary>
    public double[] Velocity(double[] momentum)
    {
        ArgumentNullException.ThrowIfNull(momentum);
        if (_diagonal is { } d)
        {
            var v = new double[momentum.Length];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = d[i] * momentum[i];
            }

            return v;
        }

        return (_dense! * Vector<double>.Build.Dense(momentum)).ToArray();
    }

    /// <summary>The kinetic energy ½ pᵀM⁻¹p.</summary>
    public double Kinetic(double[] momentum) => 0.5 * Vectors.Dot(momentum, Velocity(momentum));

    /// <summary>A momentum drawn from N(0, M) with standard normals from <paramref name="random"/>.</summary>
    public double[] DrawMomentum(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var z = new double[Dimension];
        MathNet.Numerics.Distributions.Normal.Samples(random, z, 0, 1);
        if (_sqrtMass is { } s)
        {
            for (int i = 0; i < z.Length; i++)
            {
                z[i] *= s[i];
            }

            return z;
        }

        return (_momentumFactor! * Vector<double>.Build.Dense(z)).ToArray();
    }
}
