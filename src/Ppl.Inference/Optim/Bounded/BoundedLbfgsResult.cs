namespace Ppl.Inference.Optim;

/// <summary>What <see cref="BoundedLbfgs.Minimize"/> found.</summary>
public sealed record BoundedLbfgsResult
{
    /// <summary>The last accepted iterate; always inside the bounds.</summary>
    public required IReadOnlyList<double> X { get; init; }

    /// <summary>Objective value at <see cref="X"/>.</summary>
    public required double F { get; init; }

    /// <summary>Gradient at <see cref="X"/>.</summary>
    public required IReadOnlyList<double> Gradient { get; init; }

    /// <summary>Infinity norm of the projected gradient at <see cref="X"/> (zero at a KKT point).</summary>
    public required double ProjectedGradientNorm { get; init; }

    /// <summary>Accepted iterations.</summary>
    public required int Iterations { get; init; }

    /// <summary>Objective evaluations, the initial one and every line-search trial included.</summary>
    public required int Evaluations { get; init; }

    /// <summary>Why the solver stopped.</summary>
    public required BoundedLbfgsStopReason StopReason { get; init; }

    /// <summary>
    /// True when <see cref="StopReason"/> is one of the two convergence tests
    /// (<see cref="BoundedLbfgsStopReason.ProjectedGradient"/>, <see cref="BoundedLbfgsStopReason.RelativeReduction"/>).
    /// </summary>
    public bool Converged =>
        StopReason is BoundedLbfgsStopReason.ProjectedGradient or BoundedLbfgsStopReason.RelativeReduction;
}
