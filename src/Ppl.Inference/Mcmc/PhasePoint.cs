namespace Ppl.Inference.Mcmc;

/// <summary>
/// A point of Hamiltonian dynamics: the unconstrained position q, its momentum p, the potential
/// energy U(q) (+∞ where the density vanishes) and its gradient ∇U(q), each a vector of length D.
/// </summary>
/// <remarks>
/// The sampler's own arithmetic (leapfrog updates, kinetic energy, U-turn checks) runs on these host
/// vectors: for the small and medium dimensions MCMC is used at, a host loop over D numbers costs
/// nanoseconds where a tensor operation costs microseconds, and NUTS does a dozen per step. The model's
/// potential still runs wherever its tensors live (<see cref="ModelPotential{TArgs}"/>).
/// </remarks>
/// <param name="Position">q.</param>
/// <param name="Momentum">p.</param>
/// <param name="PotentialEnergy">U(q).</param>
/// <param name="Gradient">∇U(q).</param>
public sealed record PhasePoint(double[] Position, double[] Momentum, double PotentialEnergy, double[] Gradient)
{
    /// <summary>The same position with momentum <paramref name="momentum"/>.</summary>
    public PhasePoint WithMomentum(double[] momentum) => this with { Momentum = momentum };
}
