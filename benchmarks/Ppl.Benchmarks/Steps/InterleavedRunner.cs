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
    /// <summary>Runs the class named <paramref name="typeName"/> for both validation settings.</summary>
    public static void Run(string typeName, int rounds)
    {
        var type = typeof(InterleavedRunner).Assembly.GetTypes().Single(t => t.Name == typeName);
        var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToArray();
        foreach (bool validation in new[] { true, false })
        {
            object instance = Activator.CreateInstance(type)!;
            type.GetProperty("Validation")?.SetValue(instance, validation);
            type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null)?.Invoke(instance, null);
            try
            {
                var wall = methods.Select(_ => new List<double>()).ToArray();
                var cpu = methods.Select(_ => new List<double>()).ToArray();
                for (int r = 0; r < rounds + 10; r++)
                {
                    for (int k = 0; k < methods.Length; k++)
                    {
                        double c0 = ThreadCpuClock.Now();
                        long t0 = Stopwatch.GetTimestamp();
                        methods[k].Invoke(instance, null);
                        if (r >= 10)
                        {
                            wall[k].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                            cpu[k].Add((ThreadCpuClock.Now() - c0) * 1000);
                        }
                    }
                }

                int baseline = Array.FindIndex(methods, m => m.Name == "RawTorchSharp");
                for (int k = 0; k < methods.Length; k++)
                {
                    double w = Median(wall[k]), c = Median(cpu[k]);
                    string ratio = baseline < 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" ratio wall {w / Median(wall[baseline]):F3} CPU {c / Median(cpu[baseline]):F3}");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type.Name}.{methods[k].Name,-16} validation={validation,-5} median {w,9:F3} ms wall {c,9:F3} ms CPU{ratio}"));
                }
            }
            finally
            {
                type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null)?.Invoke(instance, null);
            }
        }
    }

    private static double Median(List<double> xs)
    {
        var sorted = xs.OrderBy(x => x).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }
}
