namespace Ppl.Inference.FactorModels;

/// <summary>The candidates' scores, in the order given.</summary>
/// <param name="Scores">One per candidate.</param>
public sealed record FactorModelScores(IReadOnlyList<FactorModelScore> Scores)
{
    /// <summary>The candidate with the highest held-out ELBO.</summary>
    public FactorModelScore Best => Scores.MaxBy(s => s.HeldOutElbo)!;
}
