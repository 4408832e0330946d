namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>One seed's outcome.</summary>
/// <param name="Seed">The seed of the data draw and the networks.</param>
/// <param name="Start">Specialization after identity pretraining, before the competition (on the curve's examples).</param>
/// <param name="End">Specialization after the last iteration, on every held-out example.</param>
/// <param name="Curve">The routed accuracy on the curve's examples after each recorded iteration.</param>
/// <param name="Seconds">Wall-clock time of pretraining and competition.</param>
internal sealed record ExpertsRun(long Seed, Specialization Start, Specialization End, IReadOnlyList<(int Iteration, double Accuracy)> Curve, double Seconds);
