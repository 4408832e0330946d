using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>What <see cref="NotearsMlp"/> learned, and how the augmented Lagrangian got there.</summary>
public sealed record NotearsMlpResult
{
    /// <summary>
    /// The adjacency after thresholding: float64 [d, d], A[i, j] ≠ 0 meaning an edge i → j. A[i, j]
    /// is the Euclidean norm of the first-layer weights from input i into variable j's MLP, so it is
    /// non-negative and carries strength, not sign.
    /// </summary>
    public required Tensor Weights { get; init; }

    /// <summary>The last dual step's adjacency before thresholding, float64 [d, d].</summary>
    public required Tensor RawWeights { get; init; }

    /// <summary>h(A) = tr(exp(A∘A)) − d of each dual step's accepted solution.</summary>
    public required IReadOnlyList<double> HPerDualStep { get; init; }

    /// <summary>The penalty ρ at the end of each dual step (the value its multiplier update used).</summary>
    public required IReadOnlyList<double> RhoPerDualStep { get; init; }

    /// <summary>Whether <see cref="Weights"/> is acyclic; a cycle is reported here, not removed.</summary>
    public required bool IsDag { get; init; }

    /// <summary>Whether the dual loop ended with h ≤ <see cref="NotearsMlpOptions.HTolerance"/> (rather than on ρ_max or the step limit).</summary>
    public required bool ReachedHTolerance { get; init; }

    /// <summary>Inner L-BFGS-B solves run in all (each ρ increase re-solves).</summary>
    public required int InnerSolves { get; init; }

    /// <summary>Objective (value and gradient) evaluations over all solves: what the fit's time is spent on.</summary>
    public required int Evaluations { get; init; }
}
