using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal.IndependentMechanisms;

/// <summary>
/// The argument of <see cref="CompetingExperts.ExpertProgram"/>: the experts, the discriminator that
/// scores their outputs, a minibatch of transformed examples and each example's mechanism index
/// (the expert that won it).
/// </summary>
/// <param name="Experts">The experts, each mapping [n, …] inputs to [n, …] outputs in the canonical space.</param>
/// <param name="Discriminator">Gives one logit per example: positive when it looks canonical.</param>
/// <param name="Inputs">The transformed examples, [n, …].</param>
/// <param name="Assignment">Each example's expert, [n], int64 in 0 … experts − 1.</param>
public sealed record ExpertCompetitionBatch(
    IReadOnlyList<nn.Module<Tensor, Tensor>> Experts,
    nn.Module<Tensor, Tensor> Discriminator,
    Tensor Inputs,
    Tensor Assignment);
