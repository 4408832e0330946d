namespace Ppl.Causal;

/// <summary>How a nonlinear SEM turns a node's parents into its value (the reference's <c>simulate_nonlinear_sem</c> <c>sem_type</c>); the noise z ~ N(0, 1) is added in every case.</summary>
public enum NonlinearMechanism
{
    /// <summary>xⱼ = σ(X_pa W₁) W₂ + z with 100 hidden units and W₁, W₂ entries ~ U([−2, −0.5] ∪ [0.5, 2]).</summary>
    Mlp,

    /// <summary>xⱼ = tanh(X_pa w₁) + cos(X_pa w₂) + sin(X_pa w₃) + z, a multiple index model, wₖ entries ~ U([−2, −0.5] ∪ [0.5, 2]).</summary>
    MultipleIndex,

    /// <summary>xⱼ = g(X_pa) + z with g a draw from the Gaussian process with the unit RBF kernel exp(−‖u − v‖²/2) on the parents jointly.</summary>
    GaussianProcess,

    /// <summary>xⱼ = Σ_{i ∈ pa} gᵢ(xᵢ) + z with each gᵢ an independent unit-RBF Gaussian process draw (an additive model).</summary>
    AdditiveGaussianProcess,
}
