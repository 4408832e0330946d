using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// Framework vs baseline with the machine's drift cancelled: alternates one call of each
/// benchmark method of a class per round and reports the median wall and thread-CPU time per
/// call and the ratio of medians to <c>RawTorchSharp</c>. On a shared 2-core machine, where load
/// changes between BenchmarkDotNet's separate runs of the two methods, this is the fair ratio:
/// <c>... -- interleaved VaeBenchmarks [rounds]</c>.
/// </summary>
public static class InterleavedRunner
{
    /// <summary>
    /// Runs the class named <paramref name="typeName"/> for both validation settings, interleaved
    /// too: each round calls every method once with validation on and once with it off, so the
    /// on/off difference is not confounded with drift between two separate passes.
    /// </summary>
    public static void Run(string typeName, int rounds)
    {
        var type = typeof(InterleavedRunner).Assembly.GetTypes().Single(t => t.Name == typeName);
        var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToArray();
        bool[] settings = [true, false];
        var instances = new object[settings.Length];
        try
        {
            for (int v = 0; v < settings.Length; v++)
            {
                instances[v] = Activator.CreateInstance(type)!;
                type.GetProperty("Validation")?.SetValue(instances[v], settings[v]);
                type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null)?.Invoke(instances[v], null);
            }

            var wall = settings.Select(_ => methods.Select(_ => new List<double>()).ToArray()).ToArray();
            var cpu = settings.Select(_ => methods.Select(_ => new List<double>()).ToArray()).ToArray();
            for (int r = 0; r < rounds + 10; r++)
            {
                for (int v = 0; v < settings.Length; v++)
                {
                    Ppl.Distributions.Distribution.ValidationEnabled = settings[v];
                    for (int k = 0; k < methods.Length; k++)
                    {
                        double c0 = ThreadCpuClock.Now();
                        long t0 = Stopwatch.GetTimestamp();
                        methods[k].Invoke(instances[v], null);
                        if (r >= 10)
                        {
                            wall[v][k].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                            cpu[v][k].Add((ThreadCpuClock.Now() - c0) * 1000);
                        }
                    }
                }
            }

            int baseline = Array.FindIndex(methods, m => m.Name == "RawTorchSharp");
            for (int v = 0; v < settings.Length; v++)
            {
                for (int k = 0; k < methods.Length; k++)
                {
                    double w = BenchStatistics.Median(wall[v][k]), c = BenchStatistics.Median(cpu[v][k]);
                    string ratio = baseline < 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" ratio wall {w / BenchStatistics.Median(wall[v][baseline]):F3} CPU {c / BenchStatistics.Median(cpu[v][baseline]):F3}");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type.Name}.{methods[k].Name,-16} validation={settings[v],-5} median {w,9:F3} ms wall {c,9:F3} ms CPU{ratio}"));
                }
            }
        }
        finally
        {
            foreach (var instance in instances.Where(i => i is not null))
            {
                type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null)?.Invoke(instance, null);
            }
        }
    }
}
