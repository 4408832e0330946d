using System.Diagnostics;
using System.Globalization;
using Ppl.Benchmarks.Steps;

namespace Ppl.Benchmarks.Mcmc;

/// <summary>
/// Ppl's side of Pyro's <c>bench_nuts.py</c> (../shared/anchors/pyro_bench): the same eight-schools NUTS
/// run with seeds 0, 1, … after a short throw-away run, each seed once with Ppl's model and once with the floor as
/// NUTS's potential (<see cref="EightSchoolsNuts.RunFloor"/>) and once with the gradient in plain C#
/// (<see cref="EightSchoolsNuts.RunHost"/>: the sampler's own cost), each run's wall time, gradient evaluations,
/// μs per gradient, smallest bulk ESS and ESS/s; then one gradient alone, Ppl's against the floor
/// (<see cref="EightSchoolsGradientBenchmarks"/>, alternating call by call); then one JSON line with the
/// medians under Pyro's key names: <c>dotnet Ppl.Benchmarks.dll nuts [runs]</c>.
/// </summary>
public static class NutsRunner
{
    /// <summary>Runs <paramref name="runs"/> seeded runs and prints them.</summary>
    public static void Run(int runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        BenchEnvironment.Apply();
        EightSchoolsNuts.Run(seed: 1000, warmup: 50, samples: 50); // JIT, allocator and libtorch's first calls
        EightSchoolsNuts.RunFloor(seed: 1000, warmup: 50, samples: 50);
        EightSchoolsNuts.RunHost(seed: 1000, warmup: 50, samples: 50);
        var f = CultureInfo.InvariantCulture;
        var results = new List<NutsRunStats>();
        var floorResults = new List<NutsRunStats>();
        var hostResults = new List<NutsRunStats>();
        void Print(string what, NutsRunStats r) =>
            Console.WriteLine(string.Create(f, $"{what}: {r.Seconds:F2} s, {r.ModelRuns} gradients ({r.LeapfrogSteps} leapfrog steps), {r.MicrosecondsPerGradient:F0} μs/gradient, min bulk ESS {r.MinBulkEss:F0} ({r.EssPerSecond:F1}/s), {r.Divergences} divergences, step size {r.StepSize:F3}, E[mu] {r.MuMean:F2}, E[tau] {r.TauMean:F2}"));
        for (int seed = 0; seed < runs; seed++)
        {
            var r = EightSchoolsNuts.Run(seed);
            results.Add(r);
            Print($"seed {seed}, Ppl's model", r);
            var fr = EightSchoolsNuts.RunFloor(seed);
            floorResults.Add(fr);
            Print($"seed {seed}, the floor  ", fr);
            var hr = EightSchoolsNuts.RunHost(seed);
            hostResults.Add(hr);
            Print($"seed {seed}, host C#    ", hr);
        }

        var (ppl, floor, pplMean, floorMean) = GradientMicroseconds(rounds: 3000);
        Console.WriteLine(string.Create(f, $"one gradient (3,000, alternating): Ppl median {ppl:F0} μs (mean {pplMean:F0}), the floor (plain TorchSharp) median {floor:F0} μs (mean {floorMean:F0}), ratio of medians {ppl / floor:F2}"));
        double Median(Func<NutsRunStats, double> value) => BenchStatistics.Median(results.Select(value));
        double FloorMedian(Func<NutsRunStats, double> value) => BenchStatistics.Median(floorResults.Select(value));
        double HostMedian(Func<NutsRunStats, double> value) => BenchStatistics.Median(hostResults.Select(value));
        Console.WriteLine(string.Create(f, $$"""{"bench": "nuts", "framework": "ppl", "config": {"model": "eight_schools_noncentered", "warmup": {{EightSchoolsNuts.Warmup}}, "samples": {{EightSchoolsNuts.Samples}}, "chains": 1, "repeats": {{runs}}}, "median_wall_s": {{Median(r => r.Seconds):F4}}, "median_grad_evals": {{Median(r => r.ModelRuns):F0}}, "median_us_per_grad_eval": {{Median(r => r.MicrosecondsPerGradient):F1}}, "median_ess_min": {{Median(r => r.MinBulkEss):F1}}, "median_ess_per_s": {{Median(r => r.EssPerSecond):F2}}, "floor_median_wall_s": {{FloorMedian(r => r.Seconds):F4}}, "floor_median_ess_min": {{FloorMedian(r => r.MinBulkEss):F1}}, "floor_median_ess_per_s": {{FloorMedian(r => r.EssPerSecond):F2}}, "host_median_wall_s": {{HostMedian(r => r.Seconds):F4}}, "host_median_us_per_grad_eval": {{HostMedian(r => r.MicrosecondsPerGradient):F1}}, "host_median_ess_per_s": {{HostMedian(r => r.EssPerSecond):F2}}, "gradient_us": {{ppl:F1}}, "floor_gradient_us": {{floor:F1}}, "threads": {{BenchEnvironment.Threads}}}"""));
    }

    // the two gradients called in turn, so load that comes and goes falls on both alike
    private static (double Ppl, double Floor, double PplMean, double FloorMean) GradientMicroseconds(int rounds)
    {
        var bench = new EightSchoolsGradientBenchmarks();
        bench.Setup();
        try
        {
            var ppl = new double[rounds];
            var floor = new double[rounds];
            for (int r = -200; r < rounds; r++) // 200 untimed rounds first
            {
                long t0 = Stopwatch.GetTimestamp();
                bench.PplGradient();
                long t1 = Stopwatch.GetTimestamp();
                bench.RawTorchSharp();
                long t2 = Stopwatch.GetTimestamp();
                if (r >= 0)
                {
                    ppl[r] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
                    floor[r] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
                }
            }

            return (BenchStatistics.Median(ppl), BenchStatistics.Median(floor), ppl.Average(), floor.Average());
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
