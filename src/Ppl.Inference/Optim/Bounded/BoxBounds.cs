namespace Ppl.Inference.Optim;

/// <summary>Scalar helpers for the box l ≤ x ≤ u, where any bound may be infinite.</summary>
internal static class BoxBounds
{
    /// <summary>2⁻⁵², the spacing of doubles at 1 (not <see cref="double.Epsilon"/>, the smallest subnormal).</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    public static double Clamp(double value, double lower, double upper) =>
        value < lower ? lower : value > upper ? upper : value;

    public static void Project(double[] x, double[] lower, double[] upper)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Clamp(x[i], lower[i], upper[i]);
        }
    }

    /// <summary>
    /// Infinity norm of P(x − g) − x, the step the projected gradient path takes at unit length:
    /// zero exactly at a KKT point of the box-constrained problem.
    /// </summary>
    public static double ProjectedGradientNorm(double[] x, double[] g, double[] lower, double[] upper)
    {
        double norm = 0.0;
        for (int i = 0; i < x.Length; i++)
        {
            // Infinite bounds fall out of IEEE arithmetic: x − ∞ = −∞ never wins the max.
            double gi = g[i] < 0.0 ? Math.Max(x[i] - upper[i], g[i]) : Math.Min(x[i] - lower[i], g[i]);
            norm = Math.Max(norm, Math.Abs(gi));
        }

        return norm;
    }

    /// <summary>Largest t ≥ 0 with x + t·d inside the box (+∞ when no bound blocks d).</summary>
    public static double MaxStep(double[] x, double[] d, double[] lower, double[] upper)
    {
        double step = double.PositiveInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            if (d[i] > 0.0 && !double.IsPositiveInfinity(upper[i]))
            {
                step = Math.Min(step, Math.Max(upper[i] - x[i], 0.0) / d[i]);
            }
            else if (d[i] < 0.0 && !double.IsNegativeInfinity(lower[i]))
            {
                step = Math.Min(step, Math.Min(lower[i] - x[i], 0.0) / d[i]);
            }
        }

        return step;
    }

    public static double Dot(double[] a, double[] b) => VectorKernels.Dot(a, b);
}
