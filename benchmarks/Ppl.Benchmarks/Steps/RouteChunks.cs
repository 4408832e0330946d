using System.Diagnostics;
using System.Globalization;
using Ppl.Causal.IndependentMechanisms;
using Ppl.Examples.CompetingExpertsMnist;
using Ppl.Examples.Data;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// How the chunk size of <see cref="CompetingExperts.Route"/> sets its speed: four competing-experts
/// experts (32 filters) and the discriminator route 1,024 padded synthetic digits in chunks of 512 … 32,
/// every size once per round in turn, so the ratios are not confounded with the machine's drift:
/// <c>... -- route [rounds]</c>. Also counts the process's minor page faults per size.
/// </summary>
public static class RouteChunks
{
    private static readonly int[] Sizes = [512, 256, 128, 64, 32];

    /// <summary>Runs <paramref name="rounds"/> measured rounds (after one unmeasured).</summary>
    public static void Run(int rounds)
    {
        BenchEnvironment.Apply();
        using var scope = NewDisposeScope();
        var experts = Enumerable.Range(0, 4).Select(e => (TorchSharp.torch.nn.Module<Tensor, Tensor>)new ExpertNetwork(32, e)).ToList();
        using var discriminator = new DiscriminatorNetwork(99);
        var (pixels, _) = SyntheticDigits.Make(1024, seed: 0);
        var digits = TransformedDigits.Pad(pixels);
        var wall = Sizes.Select(_ => new List<double>()).ToArray();
        var faults = Sizes.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r <= rounds; r++)
        {
            for (int s = 0; s < Sizes.Length; s++)
            {
                long faults0 = MinorFaults();
                long t0 = Stopwatch.GetTimestamp();
                using (NewDisposeScope())
                {
                    CompetingExperts.Route(experts, discriminator, digits, Sizes[s]);
                }

                if (r > 0)
                {
                    wall[s].Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
                    faults[s].Add(MinorFaults() - faults0);
                }
            }
        }

        double fastest = Sizes.Select((_, s) => BenchStatistics.Median(wall[s])).Min();
        Console.WriteLine($"CompetingExperts.Route, 4 experts of 32 filters, 1,024 digits of 32 × 32, {BenchEnvironment.Threads} thread(s), median of {rounds} round(s):");
        for (int s = 0; s < Sizes.Length; s++)
        {
            double median = BenchStatistics.Median(wall[s]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  chunk {Sizes[s],4}: {median,7:F2} s ({median / fastest:F2} × the fastest), {BenchStatistics.Median(faults[s]) / 1000,8:F0} k minor page faults"));
        }

        foreach (var expert in experts)
        {
            expert.Dispose();
        }
    }

    /// <summary>The process's minor page faults so far (field 10 of /proc/self/stat; 0 where there is no /proc).</summary>
    private static long MinorFaults()
    {
        const string stat = "/proc/self/stat";
        if (!File.Exists(stat))
        {
            return 0;
        }

        return ProcStat.Read(stat, 10)[0];
    }
}
