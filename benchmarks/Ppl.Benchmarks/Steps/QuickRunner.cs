using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// A plain Stopwatch loop over the SVI step benchmarks, for profiling and quick checks without
/// BenchmarkDotNet's process per case: <c>dotnet run -c Release --project benchmarks/Ppl.Benchmarks -- quick [filter] [steps]</c>.
/// Each step is timed on its own and the line leads with the median step time, the statistic
/// Pyro's reference scripts report (../shared/anchors/pyro_bench): on a busy machine a step that is
/// preempted costs a whole scheduler slice, which moves the mean (also printed) but not the median,
/// so comparing one framework's mean with the other's median compares the load, not the frameworks.
/// </summary>
public static class QuickRunner
{
    /// <summary>Runs every benchmark method whose "Class.Method" contains <paramref name="filter"/>, for both validation settings.</summary>
    public static void Run(string filter, int steps)
    {
        var types = typeof(QuickRunner).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(QuickRunner).Namespace && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null));
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                string name = $"{type.Name}.{method.Name}";
                if (!name.Contains(filter, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                foreach (bool validation in new[] { true, false })
                {
                    object instance = Activator.CreateInstance(type)!;
                    type.GetProperty("Validation")?.SetValue(instance, validation);
                    type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null)?.Invoke(instance, null);
                    try
                    {
                        var step = () => { method.Invoke(instance, null); };
                        var (created, live) = TensorsPerStepColumn.Count(step);
                        StepWarmUp.Run(step, Math.Max(30, steps / 10), 300); // a tenth of the timed count, at least 30 calls and 300 ms
                        long alloc0 = GC.GetAllocatedBytesForCurrentThread();
                        double cpu0 = ThreadCpuClock.Now();
                        var times = new double[steps];
                        var clock = Stopwatch.StartNew();
                        for (int i = 0; i < steps; i++)
                        {
                            long t0 = Stopwatch.GetTimestamp();
                            step();
                            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                        }

                        double mean = clock.Elapsed.TotalMilliseconds / steps;
                        double cpuMs = (ThreadCpuClock.Now() - cpu0) * 1000 / steps;
                        double kb = (GC.GetAllocatedBytesForCurrentThread() - alloc0) / 1024.0 / steps;
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} validation={validation,-5} {BenchStatistics.Median(times),8:F3} ms/step (thread CPU {cpuMs,8:F3} ms) {kb,8:F1} KB/step {created,7:F1} tensors/step live Δ {live:F1} mean {mean:F3} ms"));
                    }
                    finally
                    {
                        type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null)?.Invoke(instance, null);
                    }
                }
            }
        }
    }
}
