using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>The payload of an <c>intervene</c> message: the factual value and what to do to it.</summary>
/// <param name="Factual">The value the variable takes without the intervention (world-indexed inside world handlers).</param>
/// <param name="Action">The intervention.</param>
/// <param name="EventDim">How many rightmost dims of the value are one event (not batch, never world dims).</param>
public sealed record InterventionRequest(Tensor Factual, Intervention Action, int EventDim);
