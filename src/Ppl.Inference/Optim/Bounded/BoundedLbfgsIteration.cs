namespace Ppl.Inference.Optim;

/// <summary>
/// The state after one accepted iteration of <see cref="BoundedLbfgs.Minimize"/>, passed to
/// <see cref="BoundedLbfgsOptions.OnIteration"/>.
/// </summary>
/// <param name="Iteration">Iterations completed so far (1 after the first step).</param>
/// <param name="F">Objective value at the new iterate.</param>
/// <param name="ProjectedGradientNorm">Infinity norm of the projected gradient at the new iterate.</param>
/// <param name="Evaluations">Objective evaluations used so far, line-search trials included.</param>
/// <param name="X">A copy of the new iterate (the solver's own buffer is never exposed).</param>
public sealed record BoundedLbfgsIteration(
    int Iteration,
    double F,
    double ProjectedGradientNorm,
    int Evaluations,
    IReadOnlyList<double> X);
