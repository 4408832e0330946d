namespace Ppl.Inference.Optim;

/// <summary>Why <see cref="BoundedLbfgs.Minimize"/> returned.</summary>
public enum BoundedLbfgsStopReason
{
    /// <summary>
    /// Converged: the infinity norm of the projected gradient fell to
    /// <see cref="BoundedLbfgsOptions.GradientTolerance"/> or below (scipy's "NORM OF PROJECTED GRADIENT &lt;= PGTOL").
    /// </summary>
    ProjectedGradient,

    /// <summary>
    /// Converged: the last step reduced f by at most
    /// <see cref="BoundedLbfgsOptions.RelativeReductionFactor"/> × machine epsilon relative to
    /// max(|f_k|, |f_{k+1}|, 1) (scipy's "REL_REDUCTION_OF_F &lt;= FACTR*EPSMCH").
    /// </summary>
    RelativeReduction,

    /// <summary>Not converged: <see cref="BoundedLbfgsOptions.MaxIterations"/> iterations were taken.</summary>
    IterationLimit,

    /// <summary>
    /// Not converged: <see cref="BoundedLbfgsOptions.MaxEvaluations"/> objective evaluations were used
    /// (the result is the last accepted iterate, not an unfinished line-search trial).
    /// </summary>
    EvaluationLimit,

    /// <summary>
    /// Not converged: the line search found no acceptable step even from the steepest-descent
    /// direction after the limited-memory history was discarded. Often a sign of an objective whose
    /// gradient does not match its value, or of a tolerance below what rounding allows.
    /// </summary>
    LineSearchFailure,
}
