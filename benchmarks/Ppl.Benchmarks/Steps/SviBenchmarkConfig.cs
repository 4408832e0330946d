using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// A short job so the SVI suite runs in minutes on 2 cores: 3 warmup and 10 measured iterations
/// in one launch, each iteration as many steps as fit in BenchmarkDotNet's default iteration
/// time. Adds the median, managed allocations and the tensors created per step.
/// </summary>
public sealed class SviBenchmarkConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public SviBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        // the host is shared: the median of the iterations is robust to a burst that moves the mean
        AddColumn(StatisticColumn.Median);
        AddColumn(new TensorsPerStepColumn(TensorsPerStepColumn.Kind.Created), new TensorsPerStepColumn(TensorsPerStepColumn.Kind.Live));
    }
}
