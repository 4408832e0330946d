using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// One twin-world answer for a batch of units: the factor indices [n, 5] and decoded pixel
/// probabilities [n, 4096] in the factual and the counterfactual world.
/// </summary>
internal sealed record CounterfactualImages(Tensor FactualFactors, Tensor FactualProbs, Tensor Factors, Tensor Probs);
