using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Ppl.Benchmarks.Mcmc;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// What <see cref="TensorZeroFill"/> costs: every benchmark method of a few workloads (a dense VAE step,
/// a convolutional expert's step, an eight-schools gradient) called once with zero-filling on and once
/// with it off in each round, so the on/off ratio is not confounded with the machine's drift; reports
/// median wall and thread-CPU time per call and the ratio on/off: <c>... -- zero-fill [rounds]</c>.
/// </summary>
public static class ZeroFillCost
{
    private static readonly Type[] Workloads = [typeof(VaeBenchmarks), typeof(ExpertStepBenchmarks), typeof(EightSchoolsGradientBenchmarks)];

    /// <summary>Runs <paramref name="rounds"/> measured rounds (after 10 unmeasured) of every workload.</summary>
    public static void Run(int rounds)
    {
        TensorZeroFill.AutoEnable = false; // the runner sets the flag itself
        foreach (var type in Workloads)
        {
            var instance = Activator.CreateInstance(type)!;
            type.GetProperty("Validation")?.SetValue(instance, false);
            Invoke<GlobalSetupAttribute>(type, instance);
            try
            {
                var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToArray();
                bool[] settings = [true, false];
                var wall = settings.Select(_ => methods.Select(_ => new List<double>()).ToArray()).ToArray();
                var cpu = settings.Select(_ => methods.Select(_ => new List<double>()).ToArray()).ToArray();
                for (int r = 0; r < rounds + 10; r++)
                {
                    for (int s = 0; s < settings.Length; s++)
                    {
                        if (!(settings[s] ? TensorZeroFill.Enable() : TensorZeroFill.Disable()))
                        {
                            throw new InvalidOperationException("libtorch's zero-fill flag was not found.");
                        }

                        for (int k = 0; k < methods.Length; k++)
                        {
                            double c0 = ThreadCpuClock.Now();
                            long t0 = Stopwatch.GetTimestamp();
                            methods[k].Invoke(instance, null);
                            if (r >= 10)
                            {
                                wall[s][k].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                                cpu[s][k].Add((ThreadCpuClock.Now() - c0) * 1000);
                            }
                        }
                    }
                }

                for (int k = 0; k < methods.Length; k++)
                {
                    double onWall = BenchStatistics.Median(wall[0][k]), offWall = BenchStatistics.Median(wall[1][k]);
                    double onCpu = BenchStatistics.Median(cpu[0][k]), offCpu = BenchStatistics.Median(cpu[1][k]);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{type.Name}.{methods[k].Name,-14} zero-fill on {onWall,9:F3} ms wall {onCpu,9:F3} ms CPU | off {offWall,9:F3} ms wall {offCpu,9:F3} ms CPU | on/off wall {onWall / offWall:F3} CPU {onCpu / offCpu:F3}"));
                }
            }
            finally
            {
                Invoke<GlobalCleanupAttribute>(type, instance);
            }
        }

        TensorZeroFill.Enable();
    }

    private static void Invoke<TAttribute>(Type type, object instance)
        where TAttribute : Attribute =>
        type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<TAttribute>() is not null)?.Invoke(instance, null);
}
