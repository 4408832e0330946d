using Ppl.Examples.EightSchools;

namespace Ppl.Benchmarks.Mcmc;

/// <summary>
/// The potential of <see cref="HandWrittenEightSchools"/> with its gradient derived by hand and computed in plain
/// C# on the host, no tensors at all. It costs well under a microsecond, so a NUTS run with it measures what the
/// sampler itself (tree building, adaptation, diagnostics) costs per gradient: the part of every run's time that
/// no faster gradient can remove.
/// </summary>
public sealed class HostEightSchools
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
    private readonly double[] _y = [.. SchoolsData.Effects];
    private readonly double[] _sigma = [.. SchoolsData.StandardErrors];
    private readonly double _constant;

    /// <summary>The classic data.</summary>
    public HostEightSchools()
    {
        int schools = _y.Length;
        _constant = -Math.Log(5) - HalfLog2Pi + Math.Log(2 / (Math.PI * 5)) - (schools * HalfLog2Pi)
            - _sigma.Sum(s => Math.Log(s) + HalfLog2Pi);
    }

    /// <summary>U(q) and ∇U(q) at <paramref name="position"/> = (μ, log τ, θ̃₁…θ̃₈).</summary>
    public (double Energy, double[] Gradient) EnergyAndGradient(double[] position)
    {
        double mu = position[0], logTau = position[1], tau = Math.Exp(logTau);
        double u = tau / 5;
        // log p = −½(μ/5)² − log(1 + u²) + log τ − ½Σθ̃² − ½Σ((y − θ)/σ)² + c, with θ = μ + τθ̃
        double logDensity = (-0.5 * (mu / 5) * (mu / 5)) - Math.Log(1 + (u * u)) + logTau + _constant;
        double dMu = -mu / 25;
        double dLogTau = 1 - (2 * u * u / (1 + (u * u)));
        var gradient = new double[position.Length];
        for (int j = 0; j < _y.Length; j++)
        {
            double thetaTilde = position[2 + j];
            double z = (_y[j] - mu - (tau * thetaTilde)) / _sigma[j];
            logDensity -= 0.5 * ((thetaTilde * thetaTilde) + (z * z));
            double pull = z / _sigma[j]; // ∂ log p / ∂θ_j
            dMu += pull;
            dLogTau += pull * tau * thetaTilde;
            gradient[2 + j] = -(-thetaTilde + (pull * tau));
        }

        gradient[0] = -dMu;
        gradient[1] = -dLogTau;
        return (-logDensity, gradient);
    }
}
