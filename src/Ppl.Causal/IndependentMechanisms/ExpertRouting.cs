using static TorchSharp.torch;

namespace Ppl.Causal.IndependentMechanisms;

/// <summary>
/// Where <see cref="CompetingExperts.Route"/> sent each example: the winning expert (the MAP mechanism
/// index) and that expert's output.
/// </summary>
/// <param name="Winners">The winning expert per example, [n], int64.</param>
/// <param name="Outputs">The winner's output per example, [n, …].</param>
/// <param name="LogScores">log D of every expert's output, [n, experts].</param>
public sealed record ExpertRouting(Tensor Winners, Tensor Outputs, Tensor LogScores);
