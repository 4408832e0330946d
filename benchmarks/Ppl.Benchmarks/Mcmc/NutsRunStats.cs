namespace Ppl.Benchmarks.Mcmc;

/// <summary>What one NUTS run of <see cref="EightSchoolsNuts"/> cost and gave.</summary>
/// <param name="Seconds">Wall time of <c>Mcmc.Run</c>.</param>
/// <param name="LeapfrogSteps">Leapfrog steps over warm-up and sampling (the transitions' statistics).</param>
/// <param name="ModelRuns">Runs of the model: every gradient evaluation, the step-size searches' included, and the one that finds the sites.</param>
/// <param name="MinBulkEss">The smallest bulk ESS of any latent element.</param>
/// <param name="Divergences">Divergent transitions after warm-up.</param>
/// <param name="StepSize">The adapted step size.</param>
/// <param name="MuMean">The posterior mean of μ.</param>
/// <param name="TauMean">The posterior mean of τ.</param>
public sealed record NutsRunStats(double Seconds, long LeapfrogSteps, long ModelRuns, double MinBulkEss, int Divergences, double StepSize, double MuMean, double TauMean)
{
    /// <summary>Wall microseconds per gradient evaluation (model run).</summary>
    public double MicrosecondsPerGradient => Seconds * 1e6 / ModelRuns;

    /// <summary>Effective draws (the worst element's) per second of wall time.</summary>
    public double EssPerSecond => MinBulkEss / Seconds;
}
