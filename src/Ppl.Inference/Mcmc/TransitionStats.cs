namespace Ppl.Inference.Mcmc;

/// <summary>What one HMC or NUTS transition did.</summary>
/// <param name="AcceptanceStatistic">The mean Metropolis acceptance probability over the trajectory's states (what step-size adaptation targets).</param>
/// <param name="Divergent">True when the energy error exceeded the divergence threshold: the integrator left the typical set.</param>
/// <param name="TreeDepth">NUTS: the number of doublings kept; HMC: 0.</param>
/// <param name="LeapfrogSteps">The leapfrog steps taken (gradient evaluations).</param>
/// <param name="Energy">The Hamiltonian at the new state.</param>
/// <param name="StepSize">The step size the transition used.</param>
public sealed record TransitionStats(double AcceptanceStatistic, bool Divergent, int TreeDepth, int LeapfrogSteps, double Energy, double StepSize);
