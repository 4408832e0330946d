using System.Diagnostics;
using Ppl.Examples.EightSchools;
using Ppl.Inference.Mcmc;

namespace Ppl.Benchmarks.Mcmc;

/// <summary>
/// The benchmarked run, as Pyro's <c>bench_nuts.py</c> has it: the non-centered eight schools, NUTS with
/// its defaults (diagonal metric, target acceptance 0.8, tree depth 10), 500 warm-up iterations and 500
/// draws of one chain, on the calling thread.
/// </summary>
public static class EightSchoolsNuts
{
    /// <summary>Warm-up iterations.</summary>
    public const int Warmup = 500;

    /// <summary>Kept draws.</summary>
    public const int Samples = 500;

    /// <summary>One run with <paramref name="seed"/>; the data are made (and released) inside.</summary>
    public static NutsRunStats Run(long seed, int warmup = Warmup, int samples = Samples)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var data = SchoolsData.Classic();
        long modelRuns = 0;
        // every model run is one energy and gradient evaluation (plus the one that finds the sites)
        object? Counted(SchoolsData d)
        {
            modelRuns++;
            return EightSchoolsModels.NonCentered(d);
        }

        var mcmc = new Mcmc<SchoolsData>(Counted, new McmcOptions { Warmup = warmup, Samples = samples, Chains = 1, Seed = seed }, () => new Nuts());
        var clock = Stopwatch.StartNew();
        using var result = mcmc.Run(data);
        double seconds = clock.Elapsed.TotalSeconds;
        var summary = result.Summary();
        long leapfrogSteps = result.WarmupStats.Concat(result.SampleStats).SelectMany(c => c).Sum(s => (long)s.LeapfrogSteps);
        double minBulkEss = result.Samples.Keys.SelectMany(site => summary.Get(site, "ess_bulk")).Min();
        return new NutsRunStats(seconds, leapfrogSteps, modelRuns, minBulkEss, result.Divergences, result.StepSizes[0], summary.Get("mu", "mean")[0], summary.Get("tau", "mean")[0]);
    }

    /// <summary>
    /// The same run with the floor (<see cref="HandWrittenEightSchools"/>) as NUTS's potential, through
    /// <see cref="PotentialMcmc"/>: the same kernel, adaptation and seeding, started where <see cref="Run"/>'s chain
    /// starts, so what differs is only the cost of a gradient.
    /// </summary>
    public static NutsRunStats RunFloor(long seed, int warmup = Warmup, int samples = Samples) =>
        RunPotential(new HandWrittenEightSchools().EnergyAndGradient, seed, warmup, samples);

    /// <summary>The same run with the gradient in plain C# (<see cref="HostEightSchools"/>): what the sampler alone costs.</summary>
    public static NutsRunStats RunHost(long seed, int warmup = Warmup, int samples = Samples) =>
        RunPotential(new HostEightSchools().EnergyAndGradient, seed, warmup, samples);

    private static NutsRunStats RunPotential(PotentialFunction potential, long seed, int warmup, int samples)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var options = new McmcOptions { Warmup = warmup, Samples = samples, Chains = 1, Seed = seed };
        double[] start;
        using (var model = new ModelPotential<SchoolsData>(EightSchoolsModels.NonCentered, SchoolsData.Classic(), seed: seed * 1_000_003)) // Mcmc's seed of chain 0
        {
            start = model.InitialPosition.data<double>().ToArray();
        }

        long gradients = 0;
        (double, double[]) Counted(double[] q)
        {
            gradients++;
            return potential(q);
        }

        var mcmc = new PotentialMcmc(Counted, options);
        var clock = Stopwatch.StartNew();
        using var result = mcmc.Run(start);
        double seconds = clock.Elapsed.TotalSeconds;
        var summary = result.Summary();
        long leapfrogSteps = result.WarmupStats.Concat(result.SampleStats).SelectMany(c => c).Sum(s => (long)s.LeapfrogSteps);
        double minBulkEss = summary.Get(PotentialMcmc.Site, "ess_bulk").Min(); // rank-normalized: the same for log τ as for τ
        var q = result.Samples[PotentialMcmc.Site];
        double muMean = q.select(2, 0).mean().item<double>();
        double tauMean = q.select(2, 1).exp().mean().item<double>();
        return new NutsRunStats(seconds, leapfrogSteps, gradients, minBulkEss, result.Divergences, result.StepSizes[0], muMean, tauMean);
    }
}
