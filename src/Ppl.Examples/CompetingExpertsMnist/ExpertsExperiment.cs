using System.Diagnostics;
using System.Globalization;
using Ppl.Causal.IndependentMechanisms;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>Trains competing experts seed after seed and measures their specialization.</summary>
internal static class ExpertsExperiment
{
    /// <summary>
    /// For each seed: sends the transformed half and the held-out digits through the mechanisms, trains
    /// fresh experts and a fresh discriminator on the transformed half against the canonical half, and
    /// measures; the first seed's networks also draw the pictures into <paramref name="outDir"/>.
    /// </summary>
    public static IReadOnlyList<ExpertsRun> Run(
        ExpertsSettings settings,
        (Tensor Pixels, Tensor Digits) transformedHalf,
        Tensor canonicalHalf,
        (Tensor Pixels, Tensor Digits) heldOut,
        DigitClassifier classifier,
        long seed,
        string outDir,
        TextWriter output,
        List<string> pictures)
    {
        var runs = new List<ExpertsRun>();
        for (int s = 0; s < settings.Seeds; s++)
        {
            long runSeed = seed + s;
            using var scope = NewDisposeScope();
            var generator = new Generator((ulong)runSeed);
            var training = TransformedDigits.Make(transformedHalf.Pixels, transformedHalf.Digits, settings.Mechanisms, generator);
            var test = TransformedDigits.Make(heldOut.Pixels, heldOut.Digits, settings.Mechanisms, generator);
            var curveDigits = Head(test, settings.CurveExamples);
            var experts = Enumerable.Range(0, settings.Experts).Select(e => (nn.Module<Tensor, Tensor>)new ExpertNetwork(settings.Filters, (runSeed * 100) + e)).ToList();
            using var discriminator = new DiscriminatorNetwork((runSeed * 100) + 99);
            var options = new CompetingExpertsOptions { Iterations = settings.Iterations, IdentitySteps = settings.IdentitySteps, RecordEvery = settings.RecordEvery };
            var curve = new List<(int, double)>();
            Specialization? start = null;
            var clock = Stopwatch.StartNew();
            string suffix = settings.Seeds == 1 ? "" : $", seed {runSeed}";

            // the pretraining Fit would do first, done here expert by expert so the run shows its progress
            ExampleProgress.Run(output, "Identity pretraining" + suffix, settings.Experts, progress =>
            {
                for (int e = 0; e < settings.Experts; e++)
                {
                    double error = CompetingExperts.PretrainIdentity(experts[e], training.Transformed, options, (int)runSeed + e + 1);
                    progress.Report(e + 1, string.Create(CultureInfo.InvariantCulture, $"expert {e}: mean squared error {error:F4}"));
                }

                return 0;
            });
            options = options with { IdentitySteps = 0 };
            string label = "Competition" + suffix;
            ExampleProgress.Run(output, label, settings.Iterations, progress =>
                CompetingExperts.Fit(experts, discriminator, training.Transformed, canonicalHalf, options, (int)runSeed, new InlineProgress<CompetingExpertsRecord>(record =>
                {
                    var now = Specialization.Measure(experts, discriminator, classifier, curveDigits, settings.Mechanisms.Count);
                    start ??= now;
                    curve.Add((record.Iteration, now.RoutedAccuracy));
                    progress.Report(record.Iteration, string.Create(CultureInfo.InvariantCulture,
                        $"iteration {record.Iteration}: routed accuracy {now.RoutedAccuracy:P1}, wins [{string.Join(" ", record.Wins)}], −log D {record.ExpertLoss:F3}, discriminator {record.DiscriminatorLoss:F3}"));
                })));
            double seconds = clock.Elapsed.TotalSeconds;
            var end = Specialization.Measure(experts, discriminator, classifier, test, settings.Mechanisms.Count);
            runs.Add(new ExpertsRun(runSeed, start!, end, curve, seconds));
            if (s == 0)
            {
                pictures.AddRange(ExpertsPictures.WriteFirstSeed(outDir, settings, runs[0], experts, test));
            }

            foreach (var expert in experts)
            {
                expert.Dispose();
            }
        }

        return runs;
    }

    private static TransformedDigits Head(TransformedDigits digits, int count)
    {
        long n = Math.Min(count, digits.Digits.shape[0]);
        return new TransformedDigits(digits.Canonical.narrow(0, 0, n), digits.Transformed.narrow(0, 0, n), digits.Mechanisms.narrow(0, 0, n), digits.Digits.narrow(0, 0, n));
    }
}
