using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>The outcome of <see cref="SchemaPlanner.Plan"/>.</summary>
/// <param name="Best">The index of the chosen candidate: the first with the highest predicted return.</param>
/// <param name="Actions">The chosen candidate's actions; model-predictive control takes the first and plans again.</param>
/// <param name="Return">The chosen candidate's predicted discounted return.</param>
/// <param name="Returns">Every candidate's predicted discounted return, [candidates].</param>
public sealed record SchemaPlan(int Best, IReadOnlyList<int> Actions, double Return, Tensor Returns);
