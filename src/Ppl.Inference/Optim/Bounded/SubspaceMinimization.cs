namespace Ppl.Inference.Optim;

/// <summary>
/// The subspace step (Byrd, Lu, Nocedal &amp; Zhu 1995, section 5.1, direct primal method):
/// with the variables at a bound at the Cauchy point held fixed, minimize the quadratic model over
/// the free ones, then keep the step in the box: projected onto it when the projection is still a
/// descent direction (version 3.0, Morales &amp; Nocedal 2011), else shortened. The reduced Hessian
/// B̂ = θI − A·M·Aᵀ (A = rows of W for the free variables) is inverted by Sherman–Morrison–Woodbury,
/// so the only dense solve is 2k × 2k: d = −r/θ − A·(K − AᵀA/θ)⁻¹·Aᵀr / θ², with K = M⁻¹.
/// </summary>
internal static class SubspaceMinimization
{
    /// <summary>
    /// On entry <paramref name="xbar"/> holds the Cauchy point xc; on return the free entries are
    /// moved toward the subspace minimizer, projected or backtracked into the box. False when the reduced
    /// system is numerically singular (the caller then discards the history).
    /// </summary>
    public static bool TryMinimize(
        double[] x, double[] g, double[] lower, double[] upper,
        CompactBfgsMemory memory, double[] middle, double[] middleInverse,
        double[] c, int[] free, int freeCount, double[] reduced, double[] xbar, ref double[] columns)
    {
        int k = memory.Count;
        int w = memory.Width;
        double theta = memory.Theta;
        Span<double> mc = stackalloc double[w];
        SmallDense.Multiply(middle, w, c, mc);

        // A = ZᵀW gathered column by column (column a in columns[a·t, (a + 1)·t), t = freeCount),
        // so every product below is a contiguous SIMD loop over the free variables.
        if (columns.Length < w * freeCount)
        {
            columns = new double[w * freeCount];
        }

        for (int j = 0; j < k; j++)
        {
            double[] y = memory.YColumn(j);
            double[] sj = memory.SColumn(j);
            Span<double> yFree = columns.AsSpan(j * freeCount, freeCount);
            Span<double> sFree = columns.AsSpan((k + j) * freeCount, freeCount);
            for (int f = 0; f < freeCount; f++)
            {
                int i = free[f];
                yFree[f] = y[i];
                sFree[f] = theta * sj[i];
            }
        }

        // Reduced gradient of the model at xc: r = Zᵀ(g + θ(xc − x)) − A·M·c.
        Span<double> r = reduced.AsSpan(0, freeCount);
        for (int f = 0; f < freeCount; f++)
        {
            int i = free[f];
            r[f] = g[i] + (theta * (xbar[i] - x[i]));
        }

        for (int a = 0; a < w; a++)
        {
            VectorKernels.Axpy(-mc[a], Column(columns, a, freeCount), r);
        }

        // v = Aᵀr and the system K − AᵀA/θ (symmetric, so only its upper triangle is summed).
        double[] v = new double[w];
        double[] system = (double[])middleInverse.Clone();
        for (int a = 0; a < w; a++)
        {
            ReadOnlySpan<double> columnA = Column(columns, a, freeCount);
            v[a] = VectorKernels.Dot(columnA, r);
            for (int b = a; b < w; b++)
            {
                double product = VectorKernels.Dot(columnA, Column(columns, b, freeCount)) / theta;
                system[(a * w) + b] -= product;
                if (b != a)
                {
                    system[(b * w) + a] -= product;
                }
            }
        }

        if (!SmallDense.TrySolve(system, w, v, 1))
        {
            return false;
        }

        // Unconstrained subspace step du = −r/θ − A·v/θ², then the largest fraction of it that stays feasible.
        double thetaSquared = theta * theta;
        for (int f = 0; f < freeCount; f++)
        {
            r[f] = -r[f] / theta;
        }

        for (int a = 0; a < w; a++)
        {
            VectorKernels.Axpy(-v[a] / thetaSquared, Column(columns, a, freeCount), r);
        }

        if (TryProjectedStep(x, g, lower, upper, free, freeCount, r, xbar))
        {
            return true;
        }

        double alpha = 1.0;
        for (int f = 0; f < freeCount; f++)
        {
            int i = free[f];
            double du = r[f];
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

    // L-BFGS-B 3.0 (Morales & Nocedal 2011): project the whole subspace step onto the box and
    // keep it while it is still a descent direction from x. Truncating the step at the first
    // bound it meets (the 1995 paper's rule, the fallback below) lets one blocking variable shorten
    // the move of all others; with many variables resting on bounds (NOTEARS' W⁺ and W⁻ halves)
    // that cost up to three times the iterations and stopped solves short of scipy's answers.
    private static bool TryProjectedStep(
        double[] x, double[] g, double[] lower, double[] upper, int[] free, int freeCount, Span<double> step, double[] xbar)
    {
        bool reachesBound = false;
        double slope = 0.0;
        for (int i = 0; i < x.Length; i++)
        {
            slope += (xbar[i] - x[i]) * g[i];
        }

        for (int f = 0; f < freeCount; f++)
        {
            int i = free[f];
            double projected = BoxBounds.Clamp(xbar[i] + step[f], lower[i], upper[i]);
            reachesBound |= projected == lower[i] || projected == upper[i];
            slope += (projected - xbar[i]) * g[i];
        }

        if (reachesBound && slope > 0.0)
        {
            return false;
        }

        for (int f = 0; f < freeCount; f++)
        {
            int i = free[f];
            xbar[i] = BoxBounds.Clamp(xbar[i] + step[f], lower[i], upper[i]);
        }

        return true;
    }

    private static ReadOnlySpan<double> Column(double[] columns, int a, int freeCount) =>
        columns.AsSpan(a * freeCount, freeCount);
}
