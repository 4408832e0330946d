using Ppl.Inference.Optim;

namespace Ppl.Causal;

/// <summary>
/// The dual loop NOTEARS and NOTEARS-MLP share (the reference's <c>notears_linear</c> and
/// <c>notears_nonlinear</c>): ρ₀ = 1, α₀ = 0; solve the subproblem by L-BFGS-B; while h has not
/// fallen below ¼ of its previous value (and ρ &lt; ρ_max), ρ ← 10ρ and solve again; then
/// α ← α + ρh; stop when h ≤ h_tol, ρ ≥ ρ_max, or after the step limit.
/// </summary>
internal static class AugmentedLagrangian
{
    /// <summary>What the loop ended with.</summary>
    /// <param name="X">The last solution.</param>
    /// <param name="H">h at it.</param>
    /// <param name="HPerDualStep">h after each dual step.</param>
    /// <param name="RhoPerDualStep">ρ after each dual step.</param>
    /// <param name="Solves">Inner solves.</param>
    /// <param name="Evaluations">Objective evaluations over all solves.</param>
    public sealed record Outcome(double[] X, double H, IReadOnlyList<double> HPerDualStep, IReadOnlyList<double> RhoPerDualStep, int Solves, int Evaluations);

    /// <summary>Runs the loop on <paramref name="objective"/> from <paramref name="start"/>.</summary>
    /// <param name="objective">The augmented Lagrangian; its ρ and α are updated in place.</param>
    /// <param name="start">x₀.</param>
    /// <param name="lower">Lower bounds.</param>
    /// <param name="upper">Upper bounds.</param>
    /// <param name="maxDualSteps">The step limit.</param>
    /// <param name="hTolerance">h_tol.</param>
    /// <param name="rhoMax">ρ_max.</param>
    /// <param name="solver">Settings of each inner solve.</param>
    /// <param name="resolveFromLast">
    /// Where a solve at a raised ρ starts: the previous solve's answer (the nonlinear reference
    /// updates its model in place) or, when false, the dual step's start (the linear reference).
    /// </param>
    public static Outcome Run(
        IAugmentedLagrangianObjective objective, double[] start, double[] lower, double[] upper,
        int maxDualSteps, double hTolerance, double rhoMax, BoundedLbfgsOptions? solver, bool resolveFromLast)
    {
        var x = start;
        double h = double.PositiveInfinity;
        var hs = new List<double>();
        var rhos = new List<double>();
        int solves = 0, evaluations = 0;
        for (int step = 0; step < maxDualSteps; step++)
        {
            double[] xNew = x;
            double hNew = double.NaN;
            while (objective.Rho < rhoMax)
            {
                var solution = BoundedLbfgs.Minimize(objective.Evaluate, resolveFromLast ? xNew : x, lower, upper, solver);
                solves++;
                evaluations += solution.Evaluations;
                xNew = [.. solution.X];
                hNew = objective.H(xNew);
                if (hNew > 0.25 * h)
                {
                    objective.Rho *= 10;
                }
                else
                {
                    break;
                }
            }

            x = xNew;
            h = hNew;
            objective.Alpha += objective.Rho * h;
            hs.Add(h);
            rhos.Add(objective.Rho);
            if (h <= hTolerance || objective.Rho >= rhoMax)
            {
                break;
            }
        }

        return new Outcome(x, h, hs, rhos, solves, evaluations);
    }
}
