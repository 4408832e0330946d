using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Ppl.Benchmarks.Mcmc;

/// <summary>
/// A job for calls of seconds: one warm-up and three measured runs, one call each (a NUTS run is long
/// enough that BenchmarkDotNet's pilot and unrolling have nothing to add), plus the median and the
/// NUTS columns.
/// </summary>
public sealed class NutsBenchmarkConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public NutsBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3).WithInvocationCount(1).WithUnrollFactor(1).WithId("Nuts"));
        AddColumn(StatisticColumn.Median);
        AddColumn([.. Enum.GetValues<NutsRunColumn.Kind>().Select(k => new NutsRunColumn(k))]);
    }
}
