namespace Ppl.Examples.EightSchools;

/// <summary>One school in the posterior predictive check.</summary>
/// <param name="School">The school's letter.</param>
/// <param name="Y">Its observed effect.</param>
/// <param name="Sigma">Its standard error.</param>
/// <param name="ThetaMean">The posterior mean of its true effect θ_j.</param>
/// <param name="Low">The 5 % quantile of a replicated estimate y_rep_j.</param>
/// <param name="High">The 95 % quantile of y_rep_j.</param>
/// <param name="ReplicateSd">The standard deviation of y_rep_j (at least σ_j: a replicate adds the measurement noise to θ_j's uncertainty).</param>
/// <param name="PValue">P(y_rep_j ≥ y_j): near 0 or 1 when the model cannot reproduce the school.</param>
internal sealed record SchoolCheck(string School, double Y, double Sigma, double ThetaMean, double Low, double High, double ReplicateSd, double PValue);
