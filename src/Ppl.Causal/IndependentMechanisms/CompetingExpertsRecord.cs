namespace Ppl.Causal.IndependentMechanisms;

/// <summary>The state of <see cref="CompetingExperts.Fit"/> after an iteration.</summary>
/// <param name="Iteration">Competition iterations done so far (0: after the identity pretraining, before any competition).</param>
/// <param name="Wins">Examples each expert won in this iteration's minibatch (zeros at iteration 0).</param>
/// <param name="ExpertLoss">The iteration's mean −log D over the winners' outputs (NaN at iteration 0).</param>
/// <param name="DiscriminatorLoss">The iteration's discriminator loss: mean binary cross-entropy on the canonical batch plus that on all experts' outputs, averaged over experts (NaN at iteration 0).</param>
public sealed record CompetingExpertsRecord(int Iteration, IReadOnlyList<int> Wins, double ExpertLoss, double DiscriminatorLoss);
