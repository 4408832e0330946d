using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal.Invariance;

/// <summary>The argument of <see cref="InvariantRiskMinimization.Program"/>: the network, the training environments and the two penalties' weights at this step.</summary>
/// <param name="Network">Inputs → one logit per example ([n] or [n, 1]).</param>
/// <param name="Environments">The training environments, one plate each.</param>
/// <param name="L2">The weight of the squared norm of every parameter.</param>
/// <param name="PenaltyWeight">The invariance penalty's weight; the objective is divided by it when above 1.</param>
public sealed record IrmData(nn.Module<Tensor, Tensor> Network, IReadOnlyList<TrainingEnvironment> Environments, double L2, double PenaltyWeight);
