using Ppl.Inference.FactorModels;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>The argument of a <see cref="Deconfounder"/>'s program: the units' causes (and which are observed), and their outcomes.</summary>
/// <param name="Causes">The factor model's data: the batch of units, the causes [N, m] and the observed mask.</param>
/// <param name="Outcome">The outcomes [N]; null draws them.</param>
public sealed record DeconfounderData(FactorData Causes, Tensor? Outcome);
