using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>One step of a <see cref="SchemaNetwork"/>'s prediction.</summary>
/// <param name="Attributes">P(attribute = 1) at the next step, [..., attributes, rows, columns].</param>
/// <param name="Rewards">P(reward received) at the next step, [..., rewards].</param>
/// <param name="Activations">Which grounded schema fired, [..., schemas, rows, columns].</param>
public sealed record SchemaPrediction(Tensor Attributes, Tensor Rewards, Tensor Activations);
