using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// A concurrent TorchSharp training job for measuring under load: <c>... -- train-forever [threads]</c>
/// trains the <see cref="VaeBenchmarks"/> VAE (<see cref="VaeBenchmarks.PplSvi"/>, a fixed random
/// binary batch of 128, Adam) step after step until the process is killed, with
/// <paramref name="threads"/> libtorch intra-op threads (default 1). It prints one line about every
/// ten seconds, so a log shows it is alive and how fast it runs, and nothing per step.
/// <c>benchmarks/load/with-load.sh torch n [threads] -- command</c> starts n of these.
/// </summary>
public static class TrainingLoad
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    /// <summary>Trains until killed.</summary>
    public static void Run(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var vae = new VaeBenchmarks { Validation = true };
        vae.Setup();
        // Setup applies PPL_BENCH_THREADS; the load's own count wins
        set_num_threads(threads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train-forever: VAE 784-400-50, batch 128, {get_num_threads()} intra-op thread(s), pid {Environment.ProcessId}; kill the process to stop"));
        long steps = 0;
        long reported = 0;
        var clock = Stopwatch.StartNew();
        var since = clock.Elapsed;
        while (true)
        {
            // Svi.Step opens its own scope; this one also takes anything the step leaves behind
            using (NewDisposeScope())
            {
                vae.PplSvi();
            }

            steps++;
            if (clock.Elapsed - since >= ReportEvery)
            {
                var now = clock.Elapsed;
                double msPerStep = (now - since).TotalMilliseconds / (steps - reported);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train-forever: {steps} steps, {msPerStep:F2} ms/step over the last {(now - since).TotalSeconds:F0} s"));
                (since, reported) = (now, steps);
            }
        }
    }
}
