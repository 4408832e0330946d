using Ppl.Inference.Mcmc;

namespace Ppl.Examples.EightSchools;

/// <summary>One parametrization's MCMC run, its summary and what it cost. Owns the result.</summary>
/// <param name="name">The parametrization, e.g. <c>centered</c>.</param>
/// <param name="result">The draws.</param>
/// <param name="seconds">The wall time of the run.</param>
internal sealed class SamplerRun(string name, McmcResult result, double seconds) : IDisposable
{
    /// <summary>The parametrization.</summary>
    public string Name => name;

    /// <summary>The draws.</summary>
    public McmcResult Result => result;

    /// <summary>The wall time of the run, in seconds.</summary>
    public double Seconds => seconds;

    /// <summary>The summary table and statistics.</summary>
    public McmcSummary Summary { get; } = result.Summary();

    /// <summary>Leapfrog steps over warm-up and sampling, every chain: the gradient evaluations of the trajectories.</summary>
    public long Gradients => Result.WarmupStats.Concat(Result.SampleStats).SelectMany(chain => chain).Sum(s => (long)s.LeapfrogSteps);

    /// <summary>The smallest bulk ESS of any element of any site.</summary>
    public double MinBulkEss => Result.Samples.Keys.SelectMany(site => Summary.Get(site, "ess_bulk")).Min();

    /// <summary>The largest R̂ of any element of any site.</summary>
    public double MaxRHat => Result.Samples.Keys.SelectMany(site => Summary.Get(site, "r_hat")).Max();

    /// <summary>The posterior mean of the scalar site <paramref name="site"/>.</summary>
    public double Mean(string site) => Summary.Get(site, "mean")[0];

    /// <summary>The bulk ESS of the scalar site <paramref name="site"/>.</summary>
    public double BulkEss(string site) => Summary.Get(site, "ess_bulk")[0];

    /// <inheritdoc />
    public void Dispose() => Result.Dispose();
}
