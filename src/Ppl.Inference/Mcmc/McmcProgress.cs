namespace Ppl.Inference.Mcmc;

/// <summary>One iteration of one chain, as <see cref="Mcmc{TArgs}.Progress"/> reports it.</summary>
/// <param name="Chain">The chain.</param>
/// <param name="Iteration">The iteration, counting warm-up (0-based).</param>
/// <param name="Total">Warm-up plus samples.</param>
/// <param name="IsWarmup">True during warm-up.</param>
/// <param name="StepSize">The step size of the iteration.</param>
/// <param name="AcceptanceStatistic">The iteration's acceptance statistic.</param>
/// <param name="TreeDepth">NUTS's tree depth (0 for HMC).</param>
/// <param name="Divergences">Divergent transitions of the chain so far (warm-up and sampling counted apart: this is the phase's count).</param>
public sealed record McmcProgress(int Chain, int Iteration, int Total, bool IsWarmup, double StepSize, double AcceptanceStatistic, int TreeDepth, int Divergences);
