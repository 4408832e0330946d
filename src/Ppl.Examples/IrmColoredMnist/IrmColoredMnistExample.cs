using System.Globalization;
using Ppl.Data;
using Ppl.Examples.Data;
using static TorchSharp.torch;

namespace Ppl.Examples.IrmColoredMnist;

/// <summary>
/// Invariant Risk Minimization on Colored MNIST (Arjovsky, Bottou, Gulrajani &amp; Lopez-Paz 2019,
/// Table 1): ERM learns the colour, which reverses at test time, IRM the shape; a grayscale classifier
/// is the colour-blind reference. The classifier is a network in a Ppl program with one Bernoulli plate
/// per environment and the penalty as a factor (<see cref="Ppl.Causal.Invariance.InvariantRiskMinimization"/>).
/// </summary>
public sealed class IrmColoredMnistExample : IExample
{
    /// <inheritdoc />
    public string Name => "irm-colored-mnist";

    /// <inheritdoc />
    public string Description => "Invariant Risk Minimization on Colored MNIST: ERM, IRM and a grayscale oracle against the paper's Table 1";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("restarts", "Restarts per method, each on freshly drawn environments (the paper: 10).", "1"),
        new("out", "Directory the PNG pictures are written to.", "irm-colored-mnist-plots"),
        ExampleThreads.Option,
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using var threads = ExampleThreads.Use(options);
        int restarts = options.Smoke ? 1 : (int)options.GetInt64("restarts", 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(restarts, 1, "--restarts");
        string outDir = options.Get("out", "irm-colored-mnist-plots");
        Directory.CreateDirectory(outDir);

        using var scope = NewDisposeScope();
        var (pixels, digits, source) = LoadDigits(options, output);
        int trainingCount = options.Smoke ? 4000 : 50000;
        int testCount = options.Smoke ? 2000 : 10000;
        var methods = options.Smoke ? IrmMethod.All.Select(m => m.Shrunk(64, 60)).ToList() : IrmMethod.All;
        var (first, second, test) = (ColoredMnist.Environments[0], ColoredMnist.Environments[1], ColoredMnist.Environments[2]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Colored MNIST from {source}: two training environments of {trainingCount / 2:N0} images (colour flipped with probability {first.ColourFlip} and {second.ColourFlip}), "
            + $"a test environment of {testCount:N0} ({test.ColourFlip}); label noise {ColoredMnist.LabelNoise}; {restarts} restart(s) per method."));
        output.WriteLine();

        var runs = IrmExperiment.Run(pixels, digits, trainingCount, testCount, methods, restarts, options.Seed, output);
        output.WriteLine();
        var values = IrmReport.Write(output, runs, methods);
        var pictures = IrmPictures.Write(outDir, runs.Where(r => r.Restart == 0).ToList());
        output.WriteLine();
        output.WriteLine($"Pictures: {string.Join(", ", pictures)}");
        return new ExampleResult(values);
    }

    private static (Tensor Pixels, Tensor Digits, string Source) LoadDigits(ExampleOptions options, TextWriter output)
    {
        if (options.Smoke)
        {
            var (pixels, digits) = SyntheticDigits.Make(6000, options.Seed);
            return (pixels.MoveToOuterDisposeScope(), digits.MoveToOuterDisposeScope(), "synthetic bars (smoke mode)");
        }

        string folder = MnistDownload.EnsureShowingProgress(output);
        using var mnist = Mnist.Load(folder);
        return (mnist.Train.Pixels(), mnist.Train.Digits(), string.Create(CultureInfo.InvariantCulture, $"MNIST's training split ({folder})"));
    }
}
