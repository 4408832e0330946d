using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>What <see cref="Notears"/> learned, and how the augmented Lagrangian got there.</summary>
public sealed record NotearsResult
{
    /// <summary>The estimate after thresholding: float64 [d, d], W[i, j] ≠ 0 meaning an edge i → j.</summary>
    public required Tensor Weights { get; init; }

    /// <summary>The last dual step's solution before thresholding, float64 [d, d].</summary>
    public required Tensor RawWeights { get; init; }

    /// <summary>h(W) = tr(exp(W∘W)) − d of each dual step's accepted solution.</summary>
    public required IReadOnlyList<double> HPerDualStep { get; init; }

    /// <summary>The penalty ρ at the end of each dual step (the value its multiplier update used).</summary>
    public required IReadOnlyList<double> RhoPerDualStep { get; init; }

    /// <summary>
    /// Whether <see cref="Weights"/> is acyclic. It usually is; when it is not (h did not get small
    /// enough, or the threshold is too low), the cycle is reported here, not removed.
    /// </summary>
    public required bool IsDag { get; init; }

    /// <summary>Whether the dual loop ended with h ≤ <see cref="NotearsOptions.HTolerance"/> (rather than on ρ_max or the step limit).</summary>
    public required bool ReachedHTolerance { get; init; }

    /// <summary>Inner L-BFGS-B solves run in all (each ρ increase re-solves).</summary>
    public required int InnerSolves { get; init; }
}
