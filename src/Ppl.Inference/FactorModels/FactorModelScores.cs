namespace Ppl.Inference.FactorModels;

/// <summary>The candidates' scores, in the order given.</summary>
/// <param name="Scores">One per candidate.</param>
public sealed record FactorModelScores(IReadOnlyList<FactorModelScore> Scores)
{
    /// <summary>The candidate with the highest held-out log-likelihood: the choice.</summary>
    public FactorModelScore Best => Scores.MaxBy(s => s.HeldOutLogLikelihood)!;

    /// <summary>
    /// The candidate with the highest held-out ELBO, for comparison with <see cref="Best"/>: within one
    /// family the two usually agree; across families the ELBO's gap to the log-likelihood (the encoder's)
    /// differs, and with it the ranking can.
    /// </summary>
    public FactorModelScore BestByElbo => Scores.MaxBy(s => s.HeldOutElbo)!;
}
