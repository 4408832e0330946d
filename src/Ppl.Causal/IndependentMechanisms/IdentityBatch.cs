using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal.IndependentMechanisms;

/// <summary>The argument of <see cref="CompetingExperts.IdentityProgram"/>: one expert and a minibatch it should reproduce.</summary>
/// <param name="Expert">The expert, mapping [n, …] to [n, …].</param>
/// <param name="Inputs">The minibatch, [n, …].</param>
public sealed record IdentityBatch(nn.Module<Tensor, Tensor> Expert, Tensor Inputs);
