using BenchmarkDotNet.Attributes;
using Ppl.Benchmarks.Steps;

namespace Ppl.Benchmarks.Mcmc;

/// <summary>
/// One whole NUTS run of the non-centered eight schools (500 warm-up + 500 draws, one chain, one
/// libtorch thread unless <c>PPL_BENCH_THREADS</c> says otherwise). Beside the time, the columns give the
/// run's gradient evaluations, microseconds per gradient, smallest bulk ESS and ESS per second (the
/// run is seeded, so these are the timed runs' own). Pyro 1.8.6 on this kind of machine: 12.5 s,
/// 1.24 ms per gradient, on two threads.
/// </summary>
[Config(typeof(NutsBenchmarkConfig))]
public class EightSchoolsNutsBenchmarks
{
    private long _seed;

    /// <summary>Sets the thread count and the seed the columns repeat.</summary>
    [GlobalSetup]
    public void Setup()
    {
        BenchEnvironment.Apply();
        _seed = NutsRunColumn.Seed;
    }

    /// <summary>The run; returns its smallest bulk ESS.</summary>
    [Benchmark]
    public double PplNuts() => EightSchoolsNuts.Run(_seed).MinBulkEss;
}
