using Ppl.Inference.Optim;

namespace Ppl.Causal;

/// <summary>Settings of <see cref="NotearsMlp"/>; the defaults are the reference implementation's (<c>notears_nonlinear</c> with <c>NotearsMLP(dims=[d, 10, 1])</c>).</summary>
public sealed record NotearsMlpOptions
{
    /// <summary>The hidden layer widths of each variable's MLP, each ≥ 1 (at least one layer); the output layer of width 1 is implied.</summary>
    public IReadOnlyList<int> HiddenUnits { get; init; } = [10];

    /// <summary>λ₁, the L1 penalty on the first layer's weights (≥ 0).</summary>
    public double Lambda1 { get; init; } = 0.01;

    /// <summary>λ₂, the L2 penalty ½λ₂Σw² on every layer's weights (not the biases), ≥ 0.</summary>
    public double Lambda2 { get; init; } = 0.01;

    /// <summary>The most dual (augmented Lagrangian) steps, ≥ 1.</summary>
    public int MaxDualSteps { get; init; } = 100;

    /// <summary>Stop once h(A) ≤ this (&gt; 0).</summary>
    public double HTolerance { get; init; } = 1e-8;

    /// <summary>Stop once the penalty ρ reaches this (&gt; 1).</summary>
    public double RhoMax { get; init; } = 1e16;

    /// <summary>Entries of the adjacency A below this are zeroed after the solve (≥ 0).</summary>
    public double WeightThreshold { get; init; } = 0.3;

    /// <summary>Seeds the random initialization of the network's weights, so a fit is reproducible.</summary>
    public int Seed { get; init; }

    /// <summary>Settings of each inner L-BFGS-B solve; null for scipy's defaults, as the reference uses.</summary>
    public BoundedLbfgsOptions? Solver { get; init; }
}
