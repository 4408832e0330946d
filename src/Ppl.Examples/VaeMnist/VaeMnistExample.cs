using System.Globalization;
using Ppl.Data;
using Ppl.Examples.Data;
using Ppl.Examples.Pictures;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Inference.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace Ppl.Examples.VaeMnist;

/// <summary>
/// The MNIST VAE (784-400-50, Bernoulli pixels; Kingma and Welling 2014, Pyro's VAE example)
/// trained by <see cref="SviTrainer{TArgs}"/> over minibatches, next to the same networks trained
/// in plain TorchSharp with the same seed, batches and optimizer (<see cref="PlainVaeTraining"/>),
/// epoch by epoch in one run so both see the same machine load. Reports test −ELBO per image and
/// seconds per epoch for both, Pyro's published test ELBO for the same architecture, and writes
/// reconstructions, samples and the loss curves.
/// </summary>
public sealed class VaeMnistExample : IExample
{
    // Pyro's VAE tutorial, Figure 3 (test ELBO of this architecture, batch 128, Adam 1e-3), read off
    // the plot at its epochs 10 and 30 (the plot's epoch 0 is after one epoch of training)
    private static readonly (int Epoch, double TestElbo)[] PyroPublished = [(10, -107.8), (30, -103.6)];

    private const string Auto = ExampleOptions.Auto;

    /// <inheritdoc />
    public string Name => "vae-mnist";

    /// <inheritdoc />
    public string Description => "MNIST VAE (784-400-50) by SVI over minibatches, against the same network in plain TorchSharp and Pyro's published test ELBO.";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("epochs", "Training epochs (each one of Ppl and one of plain TorchSharp); auto: 30, 2 in smoke mode.", Auto),
        new("batch-size", "Images per minibatch; auto: 128, 64 in smoke mode.", Auto),
        new("plain", "Also train the plain TorchSharp reference (on/off; off when resuming).", "on", ["on", "off"]),
        new("out", "Directory the pictures (and the checkpoint) are written to.", "vae-mnist-out"),
        ExampleThreads.Option,
        new("resume", "Continue from the checkpoint in the output directory when there is one (on/off).", "off", ["on", "off"]),
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        int epochs = IntOption(options, "epochs", options.Smoke ? 2 : 30);
        int batchSize = IntOption(options, "batch-size", options.Smoke ? 64 : 128);
        bool resume = options.Get("resume", "off") == "on";

        // the reference keeps no checkpoint: compared after a resume it would be epochs behind
        bool withPlain = options.Get("plain", "on") == "on" && !resume;
        string outDir = options.Get("out", "vae-mnist-out");
        const double LearningRate = 1e-3;

        var device = CPU;

        using var threads = ExampleThreads.Use(options);
        using var dataScope = NewDisposeScope();
        var (train, test, source) = LoadImages(options, output, device);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Data: {source}, {train.shape[0]} training and {test.shape[0]} test images; batch {batchSize}, Adam {LearningRate}, {epochs} epochs."));

        using var networks = VaeNetworks.Create(options.Seed, device);
        using var adam = new Adam(LearningRate);
        using var store = new Ppl.Params.ParamStore();
        var svi = new Svi<VaeBatch>(VaeProgram.Model, VaeProgram.Guide, adam, new TraceElbo(), store, seed: options.Seed);
        var trainBatches = new MiniBatches(train.shape[0], batchSize, seed: checked((int)options.Seed));
        var testBatches = new MiniBatches(test.shape[0], Math.Min(1000, test.shape[0]), shuffle: false);
        var trainer = new SviTrainer<VaeBatch>(svi, new(trainBatches, b => new VaeBatch(b, train, networks)), new(testBatches, b => new VaeBatch(b, test, networks)));

        using var plainNetworks = withPlain ? VaeNetworks.Create(options.Seed, device) : null;
        using var plain = plainNetworks is null ? null : new PlainVaeTraining(plainNetworks, LearningRate, options.Seed);
        var rows = new List<EpochRow>();

        Directory.CreateDirectory(outDir);
        var trainingOptions = new TrainingOptions { Epochs = epochs, CheckpointDirectory = Path.Combine(outDir, "checkpoint"), Resume = resume };
        ExampleProgress.Run(output, "VAE", epochs, progress => trainer.Fit(trainingOptions, p =>
        {
            progress.Report(p.EpochsDone, string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch + 1}, loss {p.Loss:F1}"));
            if (p.EpochEnd is { } end)
            {
                // the plain reference trains the same epoch right after, so both meet the same machine load
                rows.Add(new EpochRow(end, plain is null ? null : PlainEpoch(plain, trainBatches, testBatches, train, test, end.Epoch)));
            }
        }));

        var console = ExampleConsole.Create(output, options.Smoke);
        console.Write(EpochTable(rows));
        var values = Summarize(rows, console);
        WritePictures(outDir, networks, test, options.Seed, console);
        WriteLossCurve(Path.Combine(outDir, "loss.png"), rows, console);
        values["epochs"] = rows.Count;
        return new ExampleResult(values);
    }

    private static int IntOption(ExampleOptions options, string name, int auto) => checked((int)options.GetInt64OrAuto(name, auto));

    private static (Tensor Train, Tensor Test, string Source) LoadImages(ExampleOptions options, TextWriter output, Device device)
    {
        if (options.Smoke)
        {
            return (SyntheticDigits.Make(512, options.Seed).Pixels.to(device), SyntheticDigits.Make(128, options.Seed + 1).Pixels.to(device), "synthetic bars (smoke mode)");
        }

        string folder = MnistDownload.EnsureShowingProgress(output);
        using var mnist = Mnist.Load(folder);
        return (mnist.Train.Pixels(device), mnist.Test.Pixels(device), $"MNIST ({folder})");
    }

    private static PlainSummary PlainEpoch(PlainVaeTraining plain, MiniBatches trainBatches, MiniBatches testBatches, Tensor train, Tensor test, int epoch)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double total = plain.TrainEpoch(trainBatches, epoch, train);
        double testLoss = plain.Evaluate(testBatches, test);
        return new PlainSummary(total, testLoss, clock.Elapsed.TotalSeconds);
    }

    private static Table EpochTable(List<EpochRow> rows)
    {
        var table = new Table().Title("Test −ELBO per image (nats) and seconds per epoch")
            .AddColumn("epoch")
            .AddColumn(new TableColumn("Ppl train").RightAligned()).AddColumn(new TableColumn("Ppl test").RightAligned())
            .AddColumn(new TableColumn("plain train").RightAligned()).AddColumn(new TableColumn("plain test").RightAligned())
            .AddColumn(new TableColumn("Ppl s").RightAligned()).AddColumn(new TableColumn("plain s").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned());
        var f = CultureInfo.InvariantCulture;
        foreach (var row in rows)
        {
            var e = row.Ppl;
            var p = row.Plain;
            table.AddRow(
                new Text((e.Epoch + 1).ToString(f)),
                new Text(e.TrainLoss.ToString("F2", f)), new Text(e.TestLoss!.Value.ToString("F2", f)),
                new Text(p?.TrainLoss.ToString("F2", f) ?? "–"), new Text(p?.TestLoss.ToString("F2", f) ?? "–"),
                new Text(e.Seconds.ToString("F1", f)), new Text(p?.Seconds.ToString("F1", f) ?? "–"),
                new Text(p is null ? "–" : (e.Seconds / p.Seconds).ToString("F3", f)));
        }

        return table;
    }

    private static Dictionary<string, double> Summarize(List<EpochRow> rows, IAnsiConsole console)
    {
        var last = rows[^1];
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["train_loss"] = last.Ppl.TrainLoss,
            ["test_loss"] = last.Ppl.TestLoss!.Value,
            ["first_test_loss"] = rows[0].Ppl.TestLoss!.Value,
        };
        var f = CultureInfo.InvariantCulture;
        foreach (var (epoch, published) in PyroPublished)
        {
            // a resumed run has rows only for the epochs it trained
            if (rows.Find(r => r.Ppl.Epoch == epoch - 1) is not { } row)
            {
                continue;
            }

            values[$"test_elbo_{epoch}"] = -row.Ppl.TestLoss!.Value;
            console.WriteLine(string.Create(f, $"After {epoch} epochs: test ELBO {-row.Ppl.TestLoss!.Value:F2} (Ppl){(row.Plain is { } p ? $", {-p.TestLoss:F2} (plain TorchSharp)" : "")}; Pyro's tutorial: {published:F1}."));
        }

        if (last.Plain is { } plain)
        {
            var ratios = rows.Select(r => r.Ppl.Seconds / r.Plain!.Seconds).Order().ToArray();
            double median = ratios[ratios.Length / 2];
            double gap = Math.Abs(last.Ppl.TestLoss!.Value - plain.TestLoss);
            values["plain_test_loss"] = plain.TestLoss;
            values["test_gap"] = gap;
            values["time_ratio_median"] = median;
            console.WriteLine(string.Create(f, $"Ppl vs plain TorchSharp after {rows.Count} epochs: test −ELBO differs by {gap:F2} nats (target ≤ 1); time per epoch Ppl/plain median {median:F3} (target ≤ 1.1)."));
        }

        return values;
    }

    private static void WritePictures(string outDir, VaeNetworks networks, Tensor test, long seed, IAnsiConsole console)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            // top row: eight test images; below: their reconstructions (decoder at the encoder's mean)
            var originals = test[..8];
            var reconstructions = networks.Decoder.forward(networks.Encoder.forward(originals).Loc).sigmoid();
            string reconstructionsPath = Path.Combine(outDir, "reconstructions.png");
            ImageGrid.WritePng(reconstructionsPath, cat([originals, reconstructions]).reshape(16, 28, 28), columns: 8);

            using var generator = new Generator(unchecked((ulong)(seed + 7)), test.device);
            var z = randn([64, networks.Latent], dtype: test.dtype, device: test.device, generator: generator);
            string samplesPath = Path.Combine(outDir, "samples.png");
            ImageGrid.WritePng(samplesPath, networks.Decoder.forward(z).sigmoid().reshape(64, 28, 28), columns: 8);
            console.WriteLine($"Pictures: {reconstructionsPath}, {samplesPath}");
        }
    }

    private static void WriteLossCurve(string path, List<EpochRow> rows, IAnsiConsole console)
    {
        var epochs = rows.Select(r => (double)(r.Ppl.Epoch + 1)).ToArray();
        var series = new List<LossSeries>
        {
            new("Ppl train", epochs, [.. rows.Select(r => r.Ppl.TrainLoss)]),
            new("Ppl test", epochs, [.. rows.Select(r => r.Ppl.TestLoss!.Value)]),
        };
        if (rows.All(r => r.Plain is not null))
        {
            series.Add(new("plain TorchSharp test", epochs, [.. rows.Select(r => r.Plain!.TestLoss)]));
        }

        LossCurve.WritePng(path, series, title: "VAE on MNIST: −ELBO per image", yLabel: "−ELBO per image (nats)");
        console.WriteLine($"Loss curve: {path}");
    }

    private sealed record PlainSummary(double TrainLoss, double TestLoss, double Seconds);

    private sealed record EpochRow(EpochSummary Ppl, PlainSummary? Plain);
}
