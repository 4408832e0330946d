using System.Diagnostics;
using System.Globalization;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// How libtorch's intra-op thread count moves SVI step times across model sizes (issue #19):
/// <c>... -- threads [rounds] [threadCounts] [rowFilter]</c>, e.g. <c>threads 5 1,2</c>. Each row
/// (a model at one size, validation on as in the library) is set up once; each round visits every
/// thread count, in alternating order (1-2-4, then 4-2-1, ...) so drift of the machine's load
/// cancels, and each visit sets the count, warms up, then times about 0.75 s of steps (the step
/// count per thread count is calibrated on the first visit). Prints a Markdown table: the median
/// per-step wall time per count, its ratio to the first count, the mean, and the process CPU time
/// per step over all threads (a mean, so compare it with the mean wall time: CPU above it shows
/// threads that spin or wait; a mean far above the median shows slow outlier steps).
/// Before the rows, a check that <c>set_num_threads</c> takes effect between calls, going up and
/// back down (<c>get_num_threads</c>, and the cores and threads a matmul kept busy), and how much
/// CPU the workers burn right after a parallel region. Everything runs on the calling thread: the
/// setting is per thread (a thread that already ran parallel work keeps its count, and a new
/// thread's BLAS calls start at libtorch's default), so it must be set where the steps run.
/// </summary>
public static class ThreadCountStudy
{
    private const double CellSeconds = 0.75;

    /// <summary>Runs the rows whose "model size" label contains <paramref name="filter"/> (all when empty).</summary>
    /// <param name="rounds">Visits of each thread count per row.</param>
    /// <param name="threadCounts">The counts to compare; the first is the ratios' reference.</param>
    /// <param name="filter">A case-insensitive part of the row labels, for a shorter ladder.</param>
    public static void Run(int rounds, IReadOnlyList<int> threadCounts, string filter)
    {
        ArgumentNullException.ThrowIfNull(threadCounts);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        int previous = get_num_threads();
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ProcessorCount {Environment.ProcessorCount}, libtorch default {previous} threads, load average {LoadAverage()}, {rounds} rounds"));
            CheckSetNumThreads(threadCounts);
            var counts = string.Join(" | ", threadCounts.Select(t => $"{t} thr ms/step"));
            var ratios = string.Join(" | ", threadCounts.Skip(1).Select(t => $"{t} / {threadCounts[0]}"));
            var means = string.Join(" | ", threadCounts.Select(t => $"{t} thr mean"));
            var cpus = string.Join(" | ", threadCounts.Select(t => $"{t} thr CPU ms/step"));
            Console.WriteLine($"\n| model | size | {counts} | {ratios} | {means} | {cpus} |");
            Console.WriteLine($"|---|---|{string.Concat(Enumerable.Repeat("---:|", (4 * threadCounts.Count) - 1))}");
            int warmUpMs = 3000; // the first row also waits out .NET's tiered JIT of the shared runtime code
            foreach (var row in Rows().Where(r => $"{r.Model} {r.Size}".Contains(filter, StringComparison.OrdinalIgnoreCase)))
            {
                Measure(row, rounds, threadCounts, warmUpMs);
                warmUpMs = 1000;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nload average at the end {LoadAverage()}"));
        }
        finally
        {
            set_num_threads(previous);
        }
    }

    /// <summary>The ladder: each row's model, size and a factory for its step and clean-up.</summary>
    private static IEnumerable<(string Model, string Size, Func<(Func<double> Step, Action Cleanup)> Create)> Rows()
    {
        foreach (int n in new[] { 1_000, 10_000, 100_000, 1_000_000 })
        {
            yield return ("regression D=10, AutoNormal", string.Create(CultureInfo.InvariantCulture, $"N={n:N0}"), () => Regression(n));
        }

        yield return ("scalar sites, AutoNormal", "100 sites", ScalarSites);
        yield return ("regression D=10, AutoMultivariateNormal", "N=1,000", RegressionMultivariate);
        foreach (int batch in new[] { 128, 1024 })
        {
            yield return ("VAE 784-400-50, Adam", $"batch {batch}", () => Vae(batch));
        }
    }

    private static (Func<double> Step, Action Cleanup) Regression(int rows)
    {
        var bench = new RegressionBenchmarks { Validation = true, Rows = rows };
        bench.Setup();
        return (bench.AutoNormalGuide, bench.Cleanup);
    }

    private static (Func<double> Step, Action Cleanup) ScalarSites()
    {
        var bench = new ScalarSitesBenchmarks { Validation = true };
        bench.Setup();
        return (bench.AutoNormalGuide, bench.Cleanup);
    }

    /// <summary>The regression benchmark's model and data (N = 1000, D = 10) with a full-covariance guide.</summary>
    private static (Func<double> Step, Action Cleanup) RegressionMultivariate()
    {
        Distribution.ValidationEnabled = true;
        random.manual_seed(3);
        var data = RegressionBenchmarks.Simulate(1000, 10);
        var guide = new AutoMultivariateNormal<(Tensor X, Tensor Y)>(RegressionBenchmarks.Model);
        var adam = new Adam(0.01);
        var svi = new Svi<(Tensor X, Tensor Y)>(RegressionBenchmarks.Model, guide.Guide, adam, new TraceElbo());
        void Cleanup()
        {
            svi.ParamStore.Dispose();
            adam.Dispose();
            guide.Dispose();
            data.X.Dispose();
            data.Y.Dispose();
        }

        return (() => svi.Step(data), Cleanup);
    }

    private static (Func<double> Step, Action Cleanup) Vae(int batch)
    {
        var bench = new VaeBenchmarks { Validation = true, BatchSize = batch };
        bench.Setup();
        return (bench.PplSvi, bench.Cleanup);
    }

    private static void Measure((string Model, string Size, Func<(Func<double> Step, Action Cleanup)> Create) row, int rounds, IReadOnlyList<int> threadCounts, int warmUpMs)
    {
        var (stepFunc, cleanup) = row.Create();
        try
        {
            Action step = () => stepFunc();
            set_num_threads(threadCounts[0]);
            StepWarmUp.Run(step, 3, warmUpMs); // past tiered JIT (instrumented, then optimized code: 300 ms left the first row's CPU above its wall time)
            var steps = new int[threadCounts.Count];
            var wall = threadCounts.Select(_ => new List<double>()).ToArray();
            var cpu = new double[threadCounts.Count];
            for (int r = 0; r < rounds; r++)
            {
                for (int j = 0; j < threadCounts.Count; j++)
                {
                    int k = r % 2 == 0 ? j : threadCounts.Count - 1 - j;
                    set_num_threads(threadCounts[k]);
                    double perStep = StepWarmUp.Run(step, 3, 100);
                    if (steps[k] == 0)
                    {
                        steps[k] = (int)Math.Clamp(Math.Round(CellSeconds / perStep), 3, 1_000_000);
                    }

                    var cpu0 = Environment.CpuUsage.TotalTime;
                    for (int i = 0; i < steps[k]; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        step();
                        wall[k].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }

                    cpu[k] += (Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds;
                }
            }

            var medians = wall.Select(BenchStatistics.Median).ToArray();
            var cells = medians.Select(m => F(m))
                .Concat(medians.Skip(1).Select(m => F(m / medians[0], "F2") + "×"))
                .Concat(wall.Select(w => F(w.Average())))
                .Concat(cpu.Select((c, k) => F(c / wall[k].Count)));
            Console.WriteLine($"| {row.Model} | {row.Size} | {string.Join(" | ", cells)} |");
        }
        finally
        {
            cleanup();
        }
    }

    /// <summary>
    /// Sets each count and then the first again (up, then back down), printing what libtorch reports
    /// and, for 1024×1024 float matmuls, the process CPU over wall time and how many threads (the
    /// caller and libtorch's workers, not .NET's JIT and GC threads) did a fifth or more of the
    /// busiest one's work, from /proc/self/task. On a loaded machine the workers share the cores
    /// with other jobs, so the cores figure drops, but the count of working threads still shows
    /// whether the setting took effect.
    /// </summary>
    private static void CheckSetNumThreads(IReadOnlyList<int> threadCounts)
    {
        using var scope = NewDisposeScope();
        var a = randn(1024, 1024);
        _ = a.matmul(a); // libtorch's pool and BLAS initialized before the first timing
        foreach (int t in threadCounts.Append(threadCounts[0]))
        {
            set_num_threads(t);
            for (int i = 0; i < 3; i++)
            {
                a.matmul(a).Dispose(); // untimed: the pool resized and the JIT done before the clock starts
            }

            int reported = get_num_threads();
            var ticks0 = ThreadTicks();
            var cpu0 = Environment.CpuUsage.TotalTime;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 10; i++)
            {
                a.matmul(a).Dispose();
            }

            double wallMs = clock.Elapsed.TotalMilliseconds, cpuMs = (Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds;
            var worked = ThreadTicks().Select(kv => kv.Value - ticks0.GetValueOrDefault(kv.Key)).Where(d => d > 0).ToArray();
            int working = worked.Length == 0 ? 0 : worked.Count(d => d * 5 >= worked.Max());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"set_num_threads({t}): get_num_threads() = {reported}; 10 matmuls {wallMs:F0} ms wall, {cpuMs:F0} ms process CPU ({cpuMs / wallMs:F2} cores), {working} threads working"));
        }

        // workers that spin-wait after a parallel region burn CPU while the caller does other work
        set_num_threads(threadCounts.Max());
        a.matmul(a).Dispose();
        var spun = new List<string>();
        foreach (int ms in new[] { 50, 50, 100, 300 })
        {
            var idle0 = Environment.CpuUsage.TotalTime;
            Thread.Sleep(ms);
            spun.Add(F((Environment.CpuUsage.TotalTime - idle0).TotalMilliseconds, "F0"));
        }

        Console.WriteLine($"process CPU ms while the caller sleeps 50, 50, 100, 300 ms after a matmul at {threadCounts.Max()} threads: {string.Join(", ", spun)}");
    }

    /// <summary>User plus system clock ticks of each thread of the process but .NET's own (empty off Linux).</summary>
    private static Dictionary<string, long> ThreadTicks()
    {
        var ticks = new Dictionary<string, long>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return ticks;
        }

        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET", StringComparison.Ordinal))
                {
                    continue; // the runtime's own threads (tiered JIT, GC, finalizer), not libtorch's
                }

                ticks[Path.GetFileName(task)] = ProcStat.Read(Path.Combine(task, "stat"), 14, 15).Sum(); // utime + stime
            }
            catch (IOException)
            {
                // the thread ended between the listing and the read
            }
        }

        return ticks;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string F(double value, string format = "F3") => value.ToString(format, CultureInfo.InvariantCulture);
}
