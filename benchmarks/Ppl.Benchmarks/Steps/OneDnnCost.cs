using System.Diagnostics;
using System.Globalization;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// What turning oneDNN off costs (<see cref="OneDnnConvolutions"/>): the competing-experts expert's
/// step (<see cref="ExpertStepBenchmarks"/>) with oneDNN on and off in each round, so the ratio is not
/// confounded with the machine's drift: <c>... -- onednn [rounds]</c>. The expert's output layer fills a
/// block of 16 channels, so both settings compute the same, right gradients.
/// </summary>
public static class OneDnnCost
{
    /// <summary>Runs <paramref name="rounds"/> measured rounds (after 5 unmeasured).</summary>
    public static void Run(int rounds)
    {
        var workload = new ExpertStepBenchmarks();
        workload.Setup();
        bool before = OneDnnConvolutions.IsEnabled;
        try
        {
            bool[] settings = [true, false];
            var wall = new[] { new List<double>(), new List<double>(), new List<double>(), new List<double>() };
            var methods = new (string Name, Func<double> Step)[] { ("RawTorchSharp", workload.RawTorchSharp), ("PplSvi", workload.PplSvi) };
            for (int r = 0; r < rounds + 5; r++)
            {
                for (int s = 0; s < settings.Length; s++)
                {
                    if (!(settings[s] ? OneDnnConvolutions.Enable() : OneDnnConvolutions.Disable()))
                    {
                        throw new InvalidOperationException("libtorch's oneDNN switch was not found.");
                    }

                    for (int k = 0; k < methods.Length; k++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        methods[k].Step();
                        if (r >= 5)
                        {
                            wall[(2 * k) + s].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                        }
                    }
                }
            }

            for (int k = 0; k < methods.Length; k++)
            {
                double on = BenchStatistics.Median(wall[2 * k]), off = BenchStatistics.Median(wall[(2 * k) + 1]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ExpertStepBenchmarks.{methods[k].Name,-14} oneDNN on {on,9:F2} ms | off {off,9:F2} ms | off/on {off / on:F2}"));
            }
        }
        finally
        {
            _ = before ? OneDnnConvolutions.Enable() : OneDnnConvolutions.Disable();
            workload.Cleanup();
        }
    }
}
