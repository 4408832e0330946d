using Ppl.Inference.Optim;

namespace Ppl.Causal;

/// <summary>Settings of <see cref="Notears"/>; the defaults are the reference implementation's (<c>notears_linear</c>).</summary>
public sealed record NotearsOptions
{
    /// <summary>λ₁, the L1 penalty on W (≥ 0). The reference's experiments use 0.1.</summary>
    public double Lambda1 { get; init; } = 0.1;

    /// <summary>The data-fit term.</summary>
    public NotearsLoss Loss { get; init; } = NotearsLoss.LeastSquares;

    /// <summary>The most dual (augmented Lagrangian) steps, ≥ 1.</summary>
    public int MaxDualSteps { get; init; } = 100;

    /// <summary>Stop once h(W) ≤ this (&gt; 0).</summary>
    public double HTolerance { get; init; } = 1e-8;

    /// <summary>Stop once the penalty ρ reaches this (&gt; 1).</summary>
    public double RhoMax { get; init; } = 1e16;

    /// <summary>Entries with |W[i, j]| below this are zeroed after the solve (≥ 0; 0 keeps every nonzero).</summary>
    public double WeightThreshold { get; init; } = 0.3;

    /// <summary>Settings of each inner L-BFGS-B solve; null for scipy's defaults, as the reference uses.</summary>
    public BoundedLbfgsOptions? Solver { get; init; }
}
