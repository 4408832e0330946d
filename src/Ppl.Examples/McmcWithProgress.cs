using System.Globalization;
using Ppl.Inference.Mcmc;

namespace Ppl.Examples;

/// <summary>
/// Runs an <see cref="Mcmc{TArgs}"/> under <see cref="ExampleProgress"/>: the bar (or the plain lines
/// when the output is redirected) counts every chain's iterations from <see cref="Mcmc{TArgs}.Progress"/>
/// and shows the divergences so far, warm-up and sampling apart.
/// </summary>
internal static class McmcWithProgress
{
    /// <summary>Runs <paramref name="mcmc"/> on <paramref name="args"/>, reporting to <paramref name="output"/> as <paramref name="label"/>.</summary>
    public static McmcResult Run<TArgs>(Mcmc<TArgs> mcmc, TArgs args, TextWriter output, string label)
    {
        ArgumentNullException.ThrowIfNull(mcmc);
        var options = mcmc.Options;
        int chains = options.Chains;
        double total = (double)chains * (options.Warmup + options.Samples);
        return ExampleProgress.Run(output, label, total, sink =>
        {
            // Progress serializes its notifications (one lock across the chains' threads), so plain
            // counters need no synchronization of their own
            long done = 0;
            var warmupDivergent = new int[chains];
            var sampleDivergent = new int[chains];
            using var subscription = mcmc.Progress.Subscribe(p =>
            {
                done++;
                (p.IsWarmup ? warmupDivergent : sampleDivergent)[p.Chain] = p.Divergences;
                if (done % 10 == 0 || done == (long)total)
                {
                    sink.Report(done, string.Create(CultureInfo.InvariantCulture, $"divergences: {sampleDivergent.Sum()} after warm-up, {warmupDivergent.Sum()} in warm-up"));
                }
            });
            return mcmc.Run(args);
        });
    }
}
