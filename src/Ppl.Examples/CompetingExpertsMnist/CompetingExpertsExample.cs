using System.Globalization;
using Ppl.Data;
using Ppl.Examples.Data;
using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>
/// Learning independent causal mechanisms (Parascandolo, Kilbertus, Rojas-Carulla &amp; Schölkopf, ICML
/// 2018): MNIST digits sent through unknown mechanisms (translations, contrast inversion, noise) are
/// inverted by experts that compete for each digit under a discriminator of canonical digits; each
/// expert comes to own one mechanism. The competition is hard EM over each digit's mechanism index
/// (<see cref="Ppl.Causal.IndependentMechanisms.CompetingExperts"/>).
/// </summary>
public sealed class CompetingExpertsExample : IExample
{
    /// <inheritdoc />
    public string Name => "competing-experts";

    /// <inheritdoc />
    public string Description => "Competing experts learn to invert independent mechanisms on MNIST (Parascandolo et al. 2018)";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("mechanisms", "A count (the first of inversion, noise, left, up, right, down, up-left, up-right, down-left, down-right) or a comma-separated list of those names.", "4"),
        new("experts", "Competing experts.", "4"),
        new("filters", "Channels per hidden layer of an expert (the paper: 32).", "32"),
        new("iterations", "Competition iterations (the paper: 2,000).", "500"),
        new("identity-steps", "Identity-pretraining steps per expert (the paper: at most 200).", "200"),
        new("seeds", "Independent runs, from --seed on.", "1"),
        new("out", "Directory the PNG pictures are written to.", "competing-experts-plots"),
        ExampleThreads.Option,
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using var threads = ExampleThreads.Use(options);
        var settings = Settings(options);
        string outDir = options.Get("out", "competing-experts-plots");
        Directory.CreateDirectory(outDir);

        using var scope = NewDisposeScope();
        var (train, test, source) = LoadDigits(options, output);
        long half = train.Pixels.shape[0] / 2;
        var transformedHalf = (train.Pixels.narrow(0, 0, half), train.Digits.narrow(0, 0, half));
        var canonicalHalf = TransformedDigits.Pad(train.Pixels.narrow(0, half, half));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Digits from {source}: {half:N0} transformed (mechanism hidden), {half:N0} canonical, {test.Pixels.shape[0]:N0} held out, padded to 32 × 32. "
            + $"Mechanisms: {string.Join(", ", settings.Mechanisms.Select(m => m.Name))}; {settings.Experts} experts of {settings.Filters} filters; "
            + $"{settings.IdentitySteps} identity steps each, {settings.Iterations} iterations; {settings.Seeds} seed(s)."));
        output.WriteLine();

        using var classifier = ClassifierTraining.LoadOrTrain(canonicalHalf, train.Digits.narrow(0, half, half), $"v2-{half}", cache: !options.Smoke, output);
        var pictures = new List<string>();
        var runs = ExpertsExperiment.Run(settings, transformedHalf, canonicalHalf, test, classifier, options.Seed, outDir, output, pictures);
        output.WriteLine();
        var values = ExpertsReport.Write(output, settings, runs);
        output.WriteLine();
        output.WriteLine($"Pictures: {string.Join(", ", pictures)}");
        return new ExampleResult(values);
    }

    private static ExpertsSettings Settings(ExampleOptions options)
    {
        if (options.Smoke)
        {
            return new ExpertsSettings(Mechanism.Parse("inversion,right"), Experts: 2, Filters: 16, Iterations: 60, IdentitySteps: 30, RecordEvery: 30, CurveExamples: 300, Seeds: 1);
        }

        var settings = new ExpertsSettings(
            Mechanism.Parse(options.Get("mechanisms", "4")),
            Experts: (int)options.GetInt64("experts", 4),
            Filters: (int)options.GetInt64("filters", 32),
            Iterations: (int)options.GetInt64("iterations", 500),
            IdentitySteps: (int)options.GetInt64("identity-steps", 200),
            RecordEvery: 50,
            CurveExamples: 1000,
            Seeds: (int)options.GetInt64("seeds", 1));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Experts, 1, "--experts");
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Filters, 1, "--filters");
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Iterations, 1, "--iterations");
        ArgumentOutOfRangeException.ThrowIfNegative(settings.IdentitySteps, "--identity-steps");
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Seeds, 1, "--seeds");
        return settings;
    }

    /// <summary>MNIST's training split (halved into transformed and canonical) and test split; in smoke mode synthetic bars.</summary>
    private static ((Tensor Pixels, Tensor Digits) Train, (Tensor Pixels, Tensor Digits) Test, string Source) LoadDigits(ExampleOptions options, TextWriter output)
    {
        if (options.Smoke)
        {
            var (pixels, digits) = SyntheticDigits.Make(5000, options.Seed);
            return (
                (pixels.narrow(0, 0, 4000).MoveToOuterDisposeScope(), digits.narrow(0, 0, 4000).MoveToOuterDisposeScope()),
                (pixels.narrow(0, 4000, 1000).MoveToOuterDisposeScope(), digits.narrow(0, 4000, 1000).MoveToOuterDisposeScope()),
                "synthetic bars (smoke mode)");
        }

        string folder = MnistDownload.EnsureShowingProgress(output);
        using var mnist = Mnist.Load(folder);
        return (
            (mnist.Train.Pixels(), mnist.Train.Digits()),
            (mnist.Test.Pixels(), mnist.Test.Digits()),
            string.Create(CultureInfo.InvariantCulture, $"MNIST ({folder})"));
    }
}
