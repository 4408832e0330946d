using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal.IndependentMechanisms;

/// <summary>The argument of <see cref="CompetingExperts.DiscriminatorProgram"/>.</summary>
/// <param name="Discriminator">Gives one logit per example: positive when it looks canonical.</param>
/// <param name="Canonical">A minibatch of canonical examples, [m, …], labelled real.</param>
/// <param name="ExpertOutputs">Every expert's outputs on a minibatch of transformed examples, [experts, n, …], labelled not real.</param>
public sealed record DiscriminatorBatch(nn.Module<Tensor, Tensor> Discriminator, Tensor Canonical, Tensor ExpertOutputs);
