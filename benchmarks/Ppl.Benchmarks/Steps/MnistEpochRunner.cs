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
/// plain TorchSharp reference, alternating which goes first each round (A-B, B-A) so drift on a
/// shared machine cancels: <c>... -- epoch [rounds]</c>. Prints every epoch's seconds and the ratio
/// of the medians (the target is ≤ 1.1). Uses the MNIST cache (downloads it once).
/// </summary>
public static class MnistEpochRunner
{
    /// <summary>Runs <paramref name="rounds"/> epochs of each.</summary>
    public static void Run(int rounds)
    {
        BenchEnvironment.Apply();
        using var scope = NewDisposeScope();
        using var mnist = Mnist.Load(MnistDownload.EnsureAsync().GetAwaiter().GetResult());
        var train = mnist.Train.Pixels();
        var test = mnist.Test.Pixels();
        var trainBatches = new MiniBatches(train.shape[0], 128, seed: 1);
        var testBatches = new MiniBatches(test.shape[0], 1000, shuffle: false);

        using var networks = VaeNetworks.Create(1, CPU);
        using var adam = new Adam(1e-3);
        using var store = new Ppl.Params.ParamStore();
        var svi = new Svi<VaeBatch>(VaeProgram.Model, VaeProgram.Guide, adam, new TraceElbo(), store, seed: 1);
        var trainer = new SviTrainer<VaeBatch>(svi, new(trainBatches, b => new VaeBatch(b, train, networks)), new(testBatches, b => new VaeBatch(b, test, networks)));

        using var plainNetworks = VaeNetworks.Create(1, CPU);
        using var plain = new PlainVaeTraining(plainNetworks, 1e-3, 1);

        var ppl = new List<double>();
        var raw = new List<double>();
        Console.WriteLine($"MNIST epoch (60,000 train + 10,000 test images, batch 128), {BenchEnvironment.Threads} intra-op thread(s), {rounds} rounds");
        for (int round = 0; round < rounds; round++)
        {
            int epoch = round;
            double PplEpoch()
            {
                var clock = Stopwatch.StartNew();
                trainer.Fit(new TrainingOptions { Epochs = 1 });
                return clock.Elapsed.TotalSeconds;
            }

            double PlainEpoch()
            {
                var clock = Stopwatch.StartNew();
                plain.TrainEpoch(trainBatches, epoch, train);
                plain.Evaluate(testBatches, test);
                return clock.Elapsed.TotalSeconds;
            }

            double a, b;
            if (round % 2 == 0)
            {
                a = PplEpoch();
                b = PlainEpoch();
            }
            else
            {
                b = PlainEpoch();
                a = PplEpoch();
            }

            ppl.Add(a);
            raw.Add(b);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: Ppl {a:F2} s, plain TorchSharp {b:F2} s, ratio {a / b:F3}"));
        }

        double mp = BenchStatistics.Median(ppl), mr = BenchStatistics.Median(raw);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median: Ppl {mp:F2} s, plain TorchSharp {mr:F2} s, ratio {mp / mr:F3} (target ≤ 1.1)"));
    }
}
