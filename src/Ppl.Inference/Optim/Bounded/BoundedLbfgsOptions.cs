namespace Ppl.Inference.Optim;

/// <summary>
/// Settings of <see cref="BoundedLbfgs.Minimize"/>. The defaults are scipy's
/// <c>minimize(method="L-BFGS-B")</c> defaults, so results are comparable with it.
/// </summary>
public sealed record BoundedLbfgsOptions
{
    /// <summary>
    /// Number of correction pairs (s, y) kept for the limited-memory Hessian approximation
    /// (scipy's <c>maxcor</c>, <c>m</c>); at least 1. Memory is O(History · n).
    /// </summary>
    public int History { get; init; } = 10;

    /// <summary>
    /// Stop when the infinity norm of the projected gradient is at most this (scipy's <c>pgtol</c>,
    /// <c>gtol</c>); non-negative.
    /// </summary>
    public double GradientTolerance { get; init; } = 1e-5;

    /// <summary>
    /// Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ this × machine epsilon (scipy's
    /// <c>factr</c>; 1e7 ≈ a relative reduction of 2.2e-9, 1e12 is "low accuracy", 10 "extremely high");
    /// non-negative.
    /// </summary>
    public double RelativeReductionFactor { get; init; } = 1e7;

    /// <summary>Largest number of iterations (accepted steps); at least 1.</summary>
    public int MaxIterations { get; init; } = 15000;

    /// <summary>
    /// Largest number of objective evaluations, the initial one and every line-search trial included;
    /// at least 1. Unlike scipy, the solver never exceeds it: a line search that would need one more
    /// evaluation is abandoned and the last accepted iterate is returned.
    /// </summary>
    public int MaxEvaluations { get; init; } = 15000;

    /// <summary>Called after every accepted iteration; null for none.</summary>
    public Action<BoundedLbfgsIteration>? OnIteration { get; init; }
}
