using Ppl.Examples.GillespieScm.Kinetics;

namespace Ppl.Examples.GillespieScm;

/// <summary>The measured comparison of one <see cref="ComparisonCase"/>.</summary>
/// <param name="Case">What was compared.</param>
/// <param name="Simulated">The Gillespie equilibrium histogram across cells.</param>
/// <param name="ScmExact">The SCM's exact interventional law.</param>
/// <param name="ScmProgramMean">The mean of the SCM program's draws under Do.</param>
/// <param name="ScmProgramVariance">The variance of those draws.</param>
/// <param name="AveragedDriveMean">T·p(E[parent]): the mean when the target averages a parent that fluctuates infinitely fast.</param>
/// <param name="NoiseFloorW1">W1 between the exact SCM law and an SCM sample as large as the simulation: what sampling noise alone gives.</param>
/// <param name="Steps">Vectorized steps the simulation took.</param>
/// <param name="Seconds">Wall time of the simulation.</param>
internal sealed record ComparisonRow(
    ComparisonCase Case,
    CountDistribution Simulated,
    CountDistribution ScmExact,
    double ScmProgramMean,
    double ScmProgramVariance,
    double AveragedDriveMean,
    double NoiseFloorW1,
    long Steps,
    double Seconds)
{
    /// <summary>Standard error of the simulated mean (cells are independent).</summary>
    public double StandardError => Math.Sqrt(Simulated.Variance / Simulated.SampleCount);

    /// <summary>(simulated − SCM exact mean) in standard errors.</summary>
    public double Z => (Simulated.Mean - ScmExact.Mean) / StandardError;
}
