using System.Diagnostics;
using System.Globalization;
using Ppl.Data;
using Ppl.Examples.Data;
using Ppl.Examples.Pictures;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Inference.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace Ppl.Examples.SsVaeMnist;

/// <summary>
/// Kingma et al.'s (2014) M2 semi-supervised VAE on MNIST with 3,000 labels (300 per digit), the
/// other 57,000 training images unlabelled (see <see cref="SemiSupervisedVae"/> for the model and
/// the exact sum over unobserved digits). One <see cref="SviTrainer{TArgs}"/> runs over shuffled
/// batches of all 60,000 images, labelled and unlabelled rows mixed, each batch's plate scaling
/// its rows to the whole set; the classifier's test accuracy is measured after every epoch and
/// compared with the paper's and Pyro's numbers. Pictures: class-conditional samples (a style per
/// column, a digit per row) and analogies (test images' styles drawn as every digit).
/// </summary>
public sealed class SsVaeMnistExample : IExample
{
    /// <summary>Kingma et al. 2014, Table 1, M2 with 3,000 labels: test error 3.92% (± 0.63).</summary>
    public const double PaperAccuracy = 1 - 0.0392;

    /// <summary>Pyro's SS-VAE tutorial, Table 1, 3,000 labels, digits enumerated with the auxiliary loss: 0.9582 (± 0.0012).</summary>
    public const double PyroAccuracy = 0.9582;

    private const int BatchSize = 200;
    private const int Hidden = 500;
    private const int Latent = 50;

    /// <inheritdoc />
    public string Name => "ss-vae-mnist";

    /// <inheritdoc />
    public string Description => "Semi-supervised VAE (Kingma's M2) on MNIST with 3,000 labels; test accuracy vs the paper.";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("epochs", "Training epochs over the 60,000 images (ignored with --smoke); 9 take about 10 minutes on one core.", "9"),
        new("labels", "Labelled training images, the same number per digit (ignored with --smoke).", "3000"),
        new("aux", "Weight α of the auxiliary classification term α·log q(y|x) per labelled image (Pyro's example's default).", "46"),
        new("lr", "Adam's learning rate (ignored with --smoke).", "0.001"),
        new("out", "Directory the PNG pictures are written to.", "ss-vae-mnist-out"),
        ExampleThreads.Option,
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var console = ExampleConsole.Create(output, options.Smoke);
        int epochs = options.Smoke ? 6 : checked((int)options.GetInt64("epochs", 9));
        int labels = options.Smoke ? 100 : checked((int)options.GetInt64("labels", 3000));
        double aux = options.GetDouble("aux", 46);
        double lr = options.Smoke ? 3e-3 : options.GetDouble("lr", 1e-3);
        string outDir = options.Get("out", "ss-vae-mnist-out");
        if (epochs < 1 || labels < SemiSupervisedVae.Classes || labels % SemiSupervisedVae.Classes != 0)
        {
            throw new ArgumentException($"--epochs must be ≥ 1 and --labels a positive multiple of 10; got {epochs} and {labels}.", nameof(options));
        }

        using (ExampleThreads.Use(options))
        {
            return Train(options, output, console, epochs, labels, aux, lr, outDir);
        }
    }

    private static ExampleResult Train(ExampleOptions options, TextWriter output, IAnsiConsole console, int epochs, int labels, double aux, double lr, string outDir)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(options.Seed);
        var (train, testPixels, testDigits) = options.Smoke ? SmokeData(labels, options.Seed) : MnistData(output, labels, options.Seed);
        var test = DigitImages.Unlabelled(testPixels);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{(options.Smoke ? "Synthetic smoke data" : "MNIST")}: {train.Count} training images ({train.LabelledCount} labelled), {test.Count} test images."));

        int hidden = options.Smoke ? 64 : Hidden;
        int latent = options.Smoke ? 8 : Latent;
        int batchSize = options.Smoke ? 50 : BatchSize;
        using var vae = new SemiSupervisedVae((int)train.Pixels.shape[1], hidden, latent, aux);
        using var adam = new Adam(lr);
        var svi = new Svi<M2Batch>(vae.Model, vae.Guide, adam, new TraceElbo(), seed: options.Seed);
        var trainBatches = new MiniBatches(train.Count, batchSize, seed: unchecked((int)options.Seed));
        var testBatches = new MiniBatches(test.Count, Math.Min(1000, test.Count), shuffle: false);
        var trainer = new SviTrainer<M2Batch>(svi, new(trainBatches, rows => new M2Batch(rows, train)), new(testBatches, rows => new M2Batch(rows, test)));

        var rows = new List<(EpochSummary Epoch, double Accuracy)>();
        var clock = Stopwatch.StartNew();
        ExampleProgress.Run(output, "SS-VAE", epochs * trainBatches.BatchesPerEpoch, sink =>
        {
            double accuracy = double.NaN;
            return trainer.Fit(new TrainingOptions { Epochs = epochs }, p =>
            {
                if (p.EpochEnd is { } summary)
                {
                    accuracy = vae.Accuracy(testPixels, testDigits);
                    rows.Add((summary, accuracy));
                }

                string acc = double.IsNaN(accuracy) ? "" : string.Create(CultureInfo.InvariantCulture, $", test accuracy {100 * accuracy:F2}%");
                sink.Report(p.Step, string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch + 1}/{epochs}, loss {p.Loss:F1}{acc}"));
            });
        });
        double seconds = clock.Elapsed.TotalSeconds;

        WriteEpochs(console, rows);
        double final = rows[^1].Accuracy;
        WriteComparison(console, final, rows.Count, labels, options.Smoke);
        WritePictures(vae, testPixels, outDir, options.Seed);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Trained {rows.Count} epochs in {seconds:F0} s ({rows.Average(r => r.Epoch.Seconds):F1} s per epoch with the test −ELBO); pictures in {Markup.Escape(Path.GetFullPath(outDir))}."));

        return new ExampleResult(new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["epochs"] = rows.Count,
            ["accuracy"] = final,
            ["accuracy.first"] = rows[0].Accuracy,
            ["loss.first"] = rows[0].Epoch.TrainLoss,
            ["loss.last"] = rows[^1].Epoch.TrainLoss,
            ["test_loss.first"] = rows[0].Epoch.TestLoss ?? double.NaN,
            ["test_loss.last"] = rows[^1].Epoch.TestLoss ?? double.NaN,
            ["seconds_per_epoch"] = rows.Average(r => r.Epoch.Seconds),
            ["seconds"] = seconds,
        });
    }

    /// <summary>MNIST (downloaded once, then cached), gray levels in [0, 1], with <paramref name="labels"/> training labels kept.</summary>
    private static (DigitImages Train, Tensor TestPixels, Tensor TestDigits) MnistData(TextWriter output, int labels, long seed)
    {
        string folder = MnistDownload.EnsureShowingProgress(output);
        using var mnist = Mnist.Load(folder);
        var train = DigitImages.SemiSupervised(mnist.Train.Pixels(), mnist.Train.Digits(), labels / SemiSupervisedVae.Classes, unchecked((int)seed));
        return (train, mnist.Test.Pixels(), mnist.Test.Digits());
    }

    /// <summary>The smoke run's synthetic images: 1,000 for training with <paramref name="labels"/> labelled, 300 for testing.</summary>
    private static (DigitImages Train, Tensor TestPixels, Tensor TestDigits) SmokeData(int labels, long seed)
    {
        var (pixels, digits) = SyntheticDigits.Make(1000, seed);
        var (testPixels, testDigits) = SyntheticDigits.Make(300, seed + 1);
        return (DigitImages.SemiSupervised(pixels, digits, labels / SemiSupervisedVae.Classes, unchecked((int)seed)), testPixels, testDigits);
    }

    private static void WriteEpochs(IAnsiConsole console, List<(EpochSummary Epoch, double Accuracy)> rows)
    {
        var table = new Table().Title("Per epoch")
            .AddColumn(new TableColumn("epoch").RightAligned())
            .AddColumn(new TableColumn("train loss / image").RightAligned())
            .AddColumn(new TableColumn("test −ELBO / image").RightAligned())
            .AddColumn(new TableColumn("test accuracy").RightAligned())
            .AddColumn(new TableColumn("seconds").RightAligned());
        var f = CultureInfo.InvariantCulture;
        foreach (var (epoch, accuracy) in rows)
        {
            table.AddRow(
                (epoch.Epoch + 1).ToString(f), epoch.TrainLoss.ToString("F2", f), (epoch.TestLoss ?? double.NaN).ToString("F2", f),
                (100 * accuracy).ToString("F2", f) + "%", epoch.Seconds.ToString("F1", f));
        }

        console.Write(table);
        console.MarkupLine("Train loss: −(ELBO + α·log q(y|x) on labelled rows) per training image, averaged over the epoch's steps; test −ELBO: the bound on −log p(x) with every test label hidden.");
    }

    private static void WriteComparison(IAnsiConsole console, double accuracy, int epochs, int labels, bool smoke)
    {
        var f = CultureInfo.InvariantCulture;
        var table = new Table().Title($"Test accuracy with {labels.ToString("N0", f)} labels")
            .AddColumn("run").AddColumn(new TableColumn("test accuracy").RightAligned()).AddColumn(new TableColumn("test error").RightAligned());
        table.AddRow(new Text($"this run ({(smoke ? "synthetic smoke data, " : "")}{epochs} epochs)"), new Text((100 * accuracy).ToString("F2", f) + "%"), new Text((100 * (1 - accuracy)).ToString("F2", f) + "%"));
        table.AddRow(new Text("Kingma et al. 2014, M2 (Table 1)"), new Text((100 * PaperAccuracy).ToString("F2", f) + "%"), new Text("3.92% (± 0.63)"));
        table.AddRow(new Text("Pyro SS-VAE tutorial (enumerated, aux loss)"), new Text("95.82% (± 0.12)"), new Text((100 * (1 - PyroAccuracy)).ToString("F2", f) + "%"));
        console.Write(table);
    }

    /// <summary>Class-conditional samples (a prior style per column, a digit per row) and analogies (the styles of ten test images, shown on top, drawn as every digit).</summary>
    private static void WritePictures(SemiSupervisedVae vae, Tensor testPixels, string outDir, long seed)
    {
        Directory.CreateDirectory(outDir);
        using var scope = NewDisposeScope();
        int side = (int)Math.Round(Math.Sqrt(vae.Pixels));
        var styles = randn([10, vae.Latent], generator: new Generator((ulong)seed + 7, CPU));
        ImageGrid.WritePng(Path.Combine(outDir, "samples.png"), vae.Render(styles).reshape(-1, side, side), columns: 10);

        var originals = testPixels[..10];
        var analogies = cat([originals, vae.Render(vae.Styles(originals))], 0);
        ImageGrid.WritePng(Path.Combine(outDir, "analogies.png"), analogies.reshape(-1, side, side), columns: 10);
    }
}
