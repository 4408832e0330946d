namespace Ppl.Inference.FactorModels;

/// <summary>
/// The outcome of a <see cref="HeldOutPredictiveCheck"/>: the check's p-value and the per-unit p-values behind it.
/// </summary>
/// <param name="PValue">
/// The p-value of the chi-square test that the per-unit predictive p-values are uniform (over
/// <see cref="Bins"/> equal bins): small when held-out entries surprise the model more often, or less
/// often, than it expects — a U-shaped histogram is the mark of a model whose causes are too
/// independent, the failure that leaves confounding unadjusted. The check passes when it is at least
/// the level chosen (<see cref="Passes"/>).
/// </param>
/// <param name="ChiSquare">The chi-square statistic, with <see cref="Bins"/> − 1 degrees of freedom.</param>
/// <param name="Bins">The number of equal bins of [0, 1] the per-unit p-values are counted in.</param>
/// <param name="UnitAveragePValue">
/// Wang &amp; Blei's score: the mean of the per-unit p-values. It compares each unit with itself, so a
/// model that gets every cause's margin right scores about 0.5 even when it ignores the dependence
/// among causes: reported, not decisive.
/// </param>
/// <param name="UnitPValues">Each unit's P(log p(A_rep,i) &lt; log p(A_held,i)) as a randomized rank among its replicas (units with no held-out entry excluded).</param>
public sealed record PredictiveCheckResult(
    double PValue,
    double ChiSquare,
    int Bins,
    double UnitAveragePValue,
    IReadOnlyList<double> UnitPValues)
{
    /// <summary>Whether the check passes at <paramref name="level"/>: <see cref="PValue"/> ≥ <paramref name="level"/>.</summary>
    public bool Passes(double level = 0.05) => PValue >= level;
}
