using MathNet.Numerics.LinearAlgebra;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Welford's running mean and (co)variance of warm-up positions, and Stan's regularized estimate of
/// the inverse metric from them: (n / (n + 5)) Σ̂ + 10⁻³ (5 / (n + 5)) I, which shrinks a short window's
/// estimate towards a small multiple of the identity.
/// </summary>
/// <param name="dimension">D.</param>
/// <param name="dense">Estimate the full covariance rather than the diagonal.</param>
public sealed class CovarianceEstimator(int dimension, bool dense)
{
    private readonly double[] _mean = new double[dimension];
    private readonly double[] _m2 = new double[dense ? dimension * dimension : dimension];

    /// <summary>True when it estimates the full covariance.</summary>
    public bool IsDense { get; } = dense;

    /// <summary>The number of positions added since the last reset.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a position.</summary>
    public void Add(double[] position)
    {
        ArgumentNullException.ThrowIfNull(position);
        Count++;
        int d = _mean.Length;
        var delta = new double[d];
        for (int i = 0; i < d; i++)
        {
            delta[i] = position[i] - _mean[i];
            _mean[i] += delta[i] / Count;
        }

        for (int i = 0; i < d; i++)
        {
            double after = position[i] - _mean[i];
            if (IsDense)
            {
                for (int j = 0; j < d; j++)
                {
                    _m2[(j * d) + i] += delta[j] * after;
                }
            }
            else
            {
                _m2[i] += delta[i] * after;
            }
        }
    }

    /// <summary>The regularized estimate of the inverse metric.</summary>
    /// <exception cref="InvalidOperationException">Fewer than 2 positions were added.</exception>
    public MassMatrix InverseMetric()
    {
        if (Count < 2)
        {
            throw new InvalidOperationException($"CovarianceEstimator: at least 2 positions are needed for a covariance; {Count} were added.");
        }

        double n = Count;
        double shrink = n / (n + 5) / (n - 1);
        double ridge = 1e-3 * 5 / (n + 5);
        int d = _mean.Length;
        if (!IsDense)
        {
            return MassMatrix.Diagonal([.. _m2.Select(v => (v * shrink) + ridge)]);
        }

        var matrix = Matrix<double>.Build.Dense(d, d, (i, j) => (0.5 * (_m2[(i * d) + j] + _m2[(j * d) + i]) * shrink) + (i == j ? ridge : 0));
        return MassMatrix.Dense(matrix);
    }

    /// <summary>Forgets the positions added so far (a new window).</summary>
    public void Reset()
    {
        Array.Clear(_mean);
        Array.Clear(_m2);
        Count = 0;
    }
}
