using System.Diagnostics;
using System.Globalization;
using Ppl.Data;
using Ppl.Examples.Data;
using Ppl.Examples.VaeMnist;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Inference.Training;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// One MNIST epoch of the vae-mnist example (60,000 images in batches of 128, then the 10,000
/// test images' −ELBO) through <see cref="SviTrainer{TArgs}"/>, against the same epoch of the
/// plain TorchSharp reference and of plain PyTorch (<c>benchmarks/reference/vae_epoch.py</c> in a
/// child process, see <see cref="PyTorchEpoch"/>; skipped with a note when Python cannot import
/// torch): <c>... -- epoch [rounds] [limit]</c>. Each round runs every column once, in an order
/// rotated by one per round (so with a multiple of three rounds each goes first equally often)
/// and drift on a shared machine falls on all alike. Prints every round's seconds, then the
/// medians and their ratios (the issue's target for Ppl / plain TorchSharp is ≤ 1.1). Uses the
/// MNIST cache (downloads it once); <c>limit</c> &gt; 0 uses only the first that many training and
/// test images, for smoke tests.
/// </summary>
public static class MnistEpochRunner
{
    private const string PplName = "Ppl";
    private const string PlainName = "plain TorchSharp";
    private const string PyTorchName = "PyTorch";

    /// <summary>Runs <paramref name="rounds"/> epochs of each, on the first <paramref name="limit"/> images when positive.</summary>
    public static void Run(int rounds, int limit = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        BenchEnvironment.Apply();
        using var scope = NewDisposeScope();
        string folder = MnistDownload.EnsureAsync().GetAwaiter().GetResult();
        using var mnist = Mnist.Load(folder);
        var train = FirstRows(mnist.Train.Pixels(), limit);
        var test = FirstRows(mnist.Test.Pixels(), limit);
        var trainBatches = new MiniBatches(train.shape[0], Math.Min(128, train.shape[0]), seed: 1);
        var testBatches = new MiniBatches(test.shape[0], Math.Min(1000, test.shape[0]), shuffle: false);

        using var networks = VaeNetworks.Create(1, CPU);
        using var adam = new Adam(1e-3);
        using var store = new Ppl.Params.ParamStore();
        var svi = new Svi<VaeBatch>(VaeProgram.Model, VaeProgram.Guide, adam, new TraceElbo(), store, seed: 1);
        var trainer = new SviTrainer<VaeBatch>(svi, new(trainBatches, b => new VaeBatch(b, train, networks)), new(testBatches, b => new VaeBatch(b, test, networks)));

        using var plainNetworks = VaeNetworks.Create(1, CPU);
        using var plain = new PlainVaeTraining(plainNetworks, 1e-3, 1);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MNIST epoch ({train.shape[0]:N0} train + {test.shape[0]:N0} test images, batch {trainBatches.BatchSize}), {BenchEnvironment.Threads} intra-op thread(s), {rounds} rounds"));
        var pytorch = PyTorchEpoch.TryCreate(folder, BenchEnvironment.Threads, limit);

        int epoch = 0;
        var columns = new List<(string Name, Func<(double Seconds, double TestLoss)> Run)>
        {
            (PplName, () =>
            {
                var clock = Stopwatch.StartNew();
                var history = trainer.Fit(new TrainingOptions { Epochs = 1 });
                return (clock.Elapsed.TotalSeconds, history.Epochs[^1].TestLoss ?? double.NaN);
            }),
            (PlainName, () =>
            {
                var clock = Stopwatch.StartNew();
                plain.TrainEpoch(trainBatches, epoch, train);
                double testLoss = plain.Evaluate(testBatches, test);
                return (clock.Elapsed.TotalSeconds, testLoss);
            }),
        };
        if (pytorch is not null)
        {
            columns.Add((PyTorchName, pytorch.RunEpoch));
        }

        var seconds = columns.ToDictionary(c => c.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            epoch = round;
            var order = columns.Skip(round % columns.Count).Concat(columns.Take(round % columns.Count)).ToList();
            var results = new Dictionary<string, (double Seconds, double TestLoss)>();
            foreach (var (name, run) in order)
            {
                results[name] = run();
                seconds[name].Add(results[name].Seconds);
            }

            string times = string.Join(", ", columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {results[c.Name].Seconds:F2} s")));
            string ratios = string.Join(", ", Ratios(name => results[name].Seconds, pytorch is not null));
            Console.WriteLine($"round {round + 1} (first: {order[0].Name}): {times}; {ratios}");
            if (round == 0)
            {
                // one epoch from the same initial weights: the three should be near each other
                Console.WriteLine("  test −ELBO per image after the first epoch: " + string.Join(", ", columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {results[c.Name].TestLoss:F2}"))));
            }
        }

        if (rounds == 0)
        {
            return;
        }

        var medians = seconds.ToDictionary(s => s.Key, s => BenchStatistics.Median(s.Value));
        string medianTimes = string.Join(", ", columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {medians[c.Name]:F2} s")));
        Console.WriteLine($"median: {medianTimes}; {string.Join(", ", Ratios(name => medians[name], pytorch is not null))} (target Ppl/plain ≤ 1.1)");
        if (pytorch is not null && rounds % columns.Count != 0)
        {
            Console.WriteLine($"note: {rounds} rounds is not a multiple of {columns.Count}, so the columns did not go first equally often.");
        }
    }

    private static IEnumerable<string> Ratios(Func<string, double> time, bool withPyTorch)
    {
        yield return string.Create(CultureInfo.InvariantCulture, $"Ppl/plain {time(PplName) / time(PlainName):F3}");
        if (withPyTorch)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Ppl/PyTorch {time(PplName) / time(PyTorchName):F3}");
            yield return string.Create(CultureInfo.InvariantCulture, $"PyTorch/Ppl {time(PyTorchName) / time(PplName):F3}");
        }
    }

    private static Tensor FirstRows(Tensor images, int limit) =>
        limit > 0 && limit < images.shape[0] ? images.narrow(0, 0, limit) : images;
}
