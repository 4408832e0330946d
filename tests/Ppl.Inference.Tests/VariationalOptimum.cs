using MathNet.Numerics.Integration;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Ppl.Tests.Inference;

/// <summary>
/// The best Gaussian-in-unconstrained-space approximation (what AutoNormal converges to) of a
/// one-dimensional posterior, found without Ppl: the ELBO
/// E_{u ~ N(m, s)}[log p(x, f(u)) + log |f'(u)|] + log s + ½ log 2πe is integrated by
/// Gauss–Legendre quadrature and maximized by Nelder–Mead (MathNet.Numerics).
/// </summary>
internal static class VariationalOptimum
{
    /// <param name="logJoint">log p(x, θ) up to a constant, at θ = f(u).</param>
    /// <param name="forward">f, from the unconstrained u to θ.</param>
    /// <param name="logAbsDerivative">log |f'(u)|.</param>
    /// <param name="start">A starting (m, s).</param>
    public static (double Loc, double Scale) Fit(Func<double, double> logJoint, Func<double, double> forward, Func<double, double> logAbsDerivative, (double Loc, double Scale) start)
    {
        double NegativeElbo(Vector<double> p)
        {
            double m = p[0], s = Math.Exp(p[1]);
            double expectation = GaussLegendreRule.Integrate(
                t => Math.Exp(-0.5 * t * t) / Math.Sqrt(2 * Math.PI) * (logJoint(forward(m + (s * t))) + logAbsDerivative(m + (s * t))),
                -9,
                9,
                256);
            return -(expectation + Math.Log(s));
        }

        var result = NelderMeadSimplex.Minimum(
            ObjectiveFunction.Value(NegativeElbo),
            Vector<double>.Build.Dense([start.Loc, Math.Log(start.Scale)]),
            convergenceTolerance: 1e-12,
            maximumIterations: 20_000);
        return (result.MinimizingPoint[0], Math.Exp(result.MinimizingPoint[1]));
    }
}
