namespace Ppl.Inference.FactorModels;

/// <summary>A candidate's score.</summary>
/// <param name="Model">The candidate.</param>
/// <param name="Name">Its family and number of factors.</param>
/// <param name="HeldOutLogLikelihood">Its importance-sampled held-out log-likelihood per unit (nats; higher is better; see <see cref="FittedFactorModel.HeldOutLogLikelihood"/>): what the choice compares.</param>
/// <param name="HeldOutElbo">Its held-out ELBO per unit (nats; at most the log-likelihood, by the encoder's gap).</param>
/// <param name="TrainingLoss">Its −ELBO per unit in the last training epoch.</param>
public sealed record FactorModelScore(FactorModel Model, string Name, double HeldOutLogLikelihood, double HeldOutElbo, double TrainingLoss);
