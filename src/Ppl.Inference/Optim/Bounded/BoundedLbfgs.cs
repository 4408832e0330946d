using System.Globalization;

namespace Ppl.Inference.Optim;

/// <summary>
/// Limited-memory quasi-Newton minimization subject to bounds l ≤ x ≤ u: L-BFGS-B (Byrd, Lu,
/// Nocedal &amp; Zhu 1995), the algorithm behind scipy's <c>minimize(method="L-BFGS-B")</c>, with the
/// same defaults and stopping rules.
/// </summary>
/// <remarks>
/// <para>
/// Each iteration finds the generalized Cauchy point along the projected-gradient path, minimizes
/// the limited-memory quadratic model over the variables still free there (version 3.0's rule:
/// the minimizer projected onto the box while that is a descent direction, else backtracked into
/// it), and runs a Moré–Thuente line search for a step meeting the strong Wolfe conditions.
/// Memory is O(History · n): the Hessian approximation is kept in compact form and no n × n matrix
/// is ever formed, so n in the tens of thousands is fine.
/// </para>
/// <para>
/// The solver state lives in host memory (<c>double[]</c>) because its work is sequential scalar
/// logic (breakpoint sorting, 2m × 2m solves, bracketing); only the objective is heavy, and it is a
/// callback, so it may run anywhere: e.g. a TorchSharp float64 computation on a GPU whose value and
/// gradient are copied into the arrays the solver passes.
/// </para>
/// <para>
/// Where it knowingly differs from scipy: <see cref="BoundedLbfgsOptions.MaxEvaluations"/>
/// is never exceeded; a line search that ends on its interval tolerance is accepted only if it
/// lowered f (otherwise the history is discarded and, from steepest descent, the run ends with
/// <see cref="BoundedLbfgsStopReason.LineSearchFailure"/>); and a non-finite value or gradient throws.
/// </para>
/// </remarks>
public static class BoundedLbfgs
{
    /// <summary>
    /// Minimizes <paramref name="objective"/> over the box [<paramref name="lower"/>, <paramref name="upper"/>].
    /// </summary>
    /// <param name="objective">
    /// Called as <c>f = objective(x, gradient)</c>: must return f(x) and write ∂f/∂xᵢ into every
    /// entry of <c>gradient</c>. <c>x</c> is a copy of the solver's point (changing it has no
    /// effect); both arrays are reused between calls, so copy them to keep them. A NaN or infinite
    /// value or gradient entry (including an entry left unwritten) throws
    /// <see cref="NonFiniteObjectiveException"/>.
    /// </param>
    /// <param name="x0">Starting point; entries outside the bounds are projected onto them (as scipy does).</param>
    /// <param name="lower">Lower bounds, −∞ allowed; null means unbounded below everywhere.</param>
    /// <param name="upper">Upper bounds, +∞ allowed; null means unbounded above everywhere. lower[i] == upper[i] fixes variable i.</param>
    /// <param name="options">Tolerances and limits; null for scipy's defaults.</param>
    /// <returns>The last accepted iterate and why the solver stopped; check <see cref="BoundedLbfgsResult.Converged"/>.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a value is NaN, a lower bound exceeds its upper bound, or an option is out of range.</exception>
    /// <exception cref="NonFiniteObjectiveException">The objective returned a non-finite value or gradient entry.</exception>
    public static BoundedLbfgsResult Minimize(
        Func<double[], double[], double> objective,
        double[] x0,
        double[]? lower = null,
        double[]? upper = null,
        BoundedLbfgsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(x0);
        options ??= new BoundedLbfgsOptions();
        ValidateOptions(options);
        int n = x0.Length;
        if (n == 0)
        {
            throw new ArgumentException("BoundedLbfgs.Minimize: x0 is empty; pass at least one variable.", nameof(x0));
        }

        double[] lo = lower is null ? Filled(n, double.NegativeInfinity) : (double[])lower.Clone();
        double[] hi = upper is null ? Filled(n, double.PositiveInfinity) : (double[])upper.Clone();
        CheckLength(lo.Length, n, nameof(lower));
        CheckLength(hi.Length, n, nameof(upper));
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(x0[i]))
            {
                throw new ArgumentException(Invariant($"BoundedLbfgs.Minimize: x0[{i}] is NaN; start from a finite point."), nameof(x0));
            }

            if (double.IsNaN(lo[i]) || double.IsNaN(hi[i]))
            {
                throw new ArgumentException(
                    Invariant($"BoundedLbfgs.Minimize: bound {i} is NaN; use double.NegativeInfinity / double.PositiveInfinity for no bound."),
                    double.IsNaN(lo[i]) ? nameof(lower) : nameof(upper));
            }

            if (lo[i] > hi[i])
            {
                throw new ArgumentException(
                    Invariant($"BoundedLbfgs.Minimize: lower[{i}] = {lo[i]} exceeds upper[{i}] = {hi[i]}; every lower bound must be ≤ its upper bound (equal fixes the variable)."),
                    nameof(lower));
            }

            if (double.IsPositiveInfinity(lo[i]) || double.IsNegativeInfinity(hi[i]))
            {
                throw new ArgumentException(
                    Invariant($"BoundedLbfgs.Minimize: bound {i} is [{lo[i]}, {hi[i]}], which holds no finite point; use −∞ only as a lower and +∞ only as an upper bound."),
                    double.IsPositiveInfinity(lo[i]) ? nameof(lower) : nameof(upper));
            }
        }

        return new BoundedLbfgsRun(objective, x0, lo, hi, options).Run();
    }

    private static void ValidateOptions(BoundedLbfgsOptions options)
    {
        if (options.History < 1)
        {
            throw new ArgumentException(OptionMessage($"History = {options.History}; it must be at least 1 (scipy's default is 10)."), nameof(options));
        }

        if (!(options.GradientTolerance >= 0.0) || double.IsPositiveInfinity(options.GradientTolerance))
        {
            throw new ArgumentException(OptionMessage($"GradientTolerance = {options.GradientTolerance}; it must be finite and ≥ 0 (default 1e-5)."), nameof(options));
        }

        if (!(options.RelativeReductionFactor >= 0.0) || double.IsPositiveInfinity(options.RelativeReductionFactor))
        {
            throw new ArgumentException(OptionMessage($"RelativeReductionFactor = {options.RelativeReductionFactor}; it must be finite and ≥ 0 (default 1e7)."), nameof(options));
        }

        if (options.MaxIterations < 1)
        {
            throw new ArgumentException(OptionMessage($"MaxIterations = {options.MaxIterations}; it must be at least 1."), nameof(options));
        }

        if (options.MaxEvaluations < 1)
        {
            throw new ArgumentException(OptionMessage($"MaxEvaluations = {options.MaxEvaluations}; it must be at least 1."), nameof(options));
        }
    }

    private static string OptionMessage(FormattableString problem) =>
        "BoundedLbfgs.Minimize: options." + problem.ToString(CultureInfo.InvariantCulture);

    private static void CheckLength(int length, int n, string name)
    {
        if (length != n)
        {
            throw new ArgumentException(
                Invariant($"BoundedLbfgs.Minimize: {name} has length {length} but x0 has length {n}; pass one bound per variable (or null for none)."),
                name);
        }
    }

    private static double[] Filled(int n, double value)
    {
        double[] a = new double[n];
        Array.Fill(a, value);
        return a;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
