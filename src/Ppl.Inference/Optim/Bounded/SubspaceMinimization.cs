namespace Ppl.Inference.Optim;

/// <summary>
/// The subspace step (Byrd, Lu, Nocedal &amp; Zhu 1995, section 5.1, direct primal method):
/// with the variables at a bound at the Cauchy point held fixed, minimize the quadratic model over
/// the free ones, then shorten the step so it stays in the box. The reduced Hessian
/// B̂ = θI − A·M·Aᵀ (A = rows of W for the free variables) is inverted by Sherman–Morrison–Woodbury,
/// so the only dense solve is 2k × 2k: d = −r/θ − A·(K − AᵀA/θ)⁻¹·Aᵀr / θ², with K = M⁻¹.
/// </summary>
internal static class SubspaceMinimization
{
    /// <summary>
    /// On entry <paramref name="xbar"/> holds the Cauchy point xc; on return the free entries are
    /// moved toward the subspace minimizer, backtracked into the box. False when the reduced
    /// system is numerically singular (the caller then discards the history).
    /// </summary>
    public static bool TryMinimize(
        double[] x, double[] g, double[] lower, double[] upper,
        CompactBfgsMemory memory, double[] middle, double[] middleInverse,
        double[] c, int[] free, int freeCount, double[] reduced, double[] xbar)
    {
        int w = memory.Width;
        double theta = memory.Theta;
        Span<double> row = stackalloc double[w];
        Span<double> mc = stackalloc double[w];
        SmallDense.Multiply(middle, w, c, mc);

        // Reduced gradient of the model at xc: r = Zᵀ(g + θ(xc − x) − W·M·c).
        double[] v = new double[w];
        double[] system = (double[])middleInverse.Clone();
        for (int f = 0; f < freeCount; f++)
        {
            int i = free[f];
            memory.Row(i, row);
            double r = g[i] + (theta * (xbar[i] - x[i])) - SmallDense.Dot(row, mc);
            reduced[f] = r;
            for (int a = 0; a < w; a++)
            {
                v[a] += r * row[a];
                double scaled = row[a] / theta;
                for (int b = 0; b < w; b++)
                {
                    system[(a * w) + b] -= scaled * row[b];
                }
            }
        }

        if (!SmallDense.TrySolve(system, w, v, 1))
        {
            return false;
        }

        // Unconstrained subspace step, then the largest fraction of it that stays feasible.
        double alpha = 1.0;
        double thetaSquared = theta * theta;
        for (int f = 0; f < freeCount; f++)
        {
            int i = free[f];
            memory.Row(i, row);
            double du = (-reduced[f] / theta) - (SmallDense.Dot(row, v) / thetaSquared);
            reduced[f] = du;
            if (du > 0.0 && !double.IsPositiveInfinity(upper[i]))
            {
                alpha = Math.Min(alpha, (upper[i] - xbar[i]) / du);
            }
            else if (du < 0.0 && !double.IsNegativeInfinity(lower[i]))
            {
                alpha = Math.Min(alpha, (lower[i] - xbar[i]) / du);
            }
        }

        alpha = Math.Max(alpha, 0.0);
        for (int f = 0; f < freeCount; f++)
        {
            int i = free[f];
            xbar[i] = BoxBounds.Clamp(xbar[i] + (alpha * reduced[f]), lower[i], upper[i]);
        }

        return true;
    }
}
