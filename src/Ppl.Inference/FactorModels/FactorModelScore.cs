namespace Ppl.Inference.FactorModels;

/// <summary>A candidate's score.</summary>
/// <param name="Model">The candidate.</param>
/// <param name="Name">Its family and number of factors.</param>
/// <param name="HeldOutElbo">Its held-out ELBO per unit (nats; higher is better).</param>
/// <param name="TrainingLoss">Its −ELBO per unit in the last training epoch.</param>
public sealed record FactorModelScore(FactorModel Model, string Name, double HeldOutElbo, double TrainingLoss);
