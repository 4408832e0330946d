using System.Diagnostics;
using System.Globalization;
using Ppl.Inference.FactorModels;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// The resident memory of Monte Carlo EM with and without <see cref="TensorMemory.ReleaseFreed"/> after each
/// evaluation: a logistic factor model (K = 2) fitted to 3,000 × 300 simulated binary causes, 20 SVI epochs
/// and two EM rounds of 32 proposals (the deconfounder example's shapes): <c>... -- em-memory release|keep</c>.
/// One process per setting, since the heap's state carries over within a process; it prints the wall time
/// of the EM rounds and the process's peak resident memory before and after them.
/// </summary>
public static class EmMemory
{
    private const int Units = 3000;
    private const int Causes = 300;
    private const int Factors = 2;

    /// <summary>Runs the fit with <see cref="TensorMemory.AutoRelease"/> set to <paramref name="release"/>.</summary>
    public static void Run(bool release)
    {
        BenchEnvironment.Apply();
        TensorMemory.AutoRelease = release;
        using var scope = NewDisposeScope();
        var causes = Simulate();
        var svi = new FactorFitOptions { Epochs = 20, Seed = 1 };
        using (FactorModelFitting.Fit(new LogisticFactorModel(Causes, Factors), causes, options: svi))
        {
        }

        long before = PeakResidentKilobytes();
        long t0 = Stopwatch.GetTimestamp();
        using var fit = FactorModelFitting.Fit(new LogisticFactorModel(Causes, Factors), causes, options: svi with { EmRounds = 2 });
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Monte Carlo EM, {Units} × {Causes} causes, K = {Factors}, release after each evaluation: {(release ? "on" : "off")}, {BenchEnvironment.Threads} thread(s):"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  SVI + 2 EM rounds {seconds:F1} s; peak resident memory {before / 1024.0 / 1024:F2} GB after an SVI-only fit, {PeakResidentKilobytes() / 1024.0 / 1024:F2} GB after the EM fit; objectives {string.Join(", ", fit.EmObjectives.Select(o => o.ToString("F4", CultureInfo.InvariantCulture)))}"));
    }

    /// <summary>A_ij ~ Bernoulli(σ(Z_i · W_j − 2)), Z and W standard normal, from a generator of its own.</summary>
    private static Tensor Simulate()
    {
        using var generator = new Generator(7);
        var z = randn([Units, Factors], generator: generator);
        var w = randn([Causes, Factors], generator: generator);
        var logits = z.unsqueeze(1).mul(w.unsqueeze(0)).sum([-1L]).sub(2.0);
        return bernoulli(logits.sigmoid(), generator: generator);
    }

    private static long PeakResidentKilobytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
