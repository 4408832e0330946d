using System.Diagnostics;
using System.Globalization;
using Ppl.Causal.Invariance;
using static TorchSharp.torch;

namespace Ppl.Examples.IrmColoredMnist;

/// <summary>Runs every method on freshly drawn Colored MNIST environments, restart after restart.</summary>
internal static class IrmExperiment
{
    /// <summary>
    /// For each of <paramref name="restarts"/> restarts, draws the environments from <paramref name="pixels"/>
    /// and <paramref name="digits"/> (seed <paramref name="seed"/> + restart) and trains each of
    /// <paramref name="methods"/> on them from its own initialization.
    /// </summary>
    public static IReadOnlyList<IrmRun> Run(Tensor pixels, Tensor digits, int trainingCount, int testCount, IReadOnlyList<IrmMethod> methods, int restarts, long seed, TextWriter output)
    {
        var runs = new List<IrmRun>();
        for (int restart = 0; restart < restarts; restart++)
        {
            using var scope = NewDisposeScope();
            var (training, test) = ColoredMnist.Make(pixels, digits, trainingCount, testCount, new Generator((ulong)(seed + restart)));
            foreach (var method in methods)
            {
                using var network = new IrmMlp(method.Hidden, method.Grayscale, (seed * 1000) + restart);
                var clock = Stopwatch.StartNew();
                string label = restarts == 1 ? method.Name : $"{method.Name}, restart {restart + 1} of {restarts}";
                var history = ExampleProgress.Run(output, label, method.Options.Steps, progress =>
                    InvariantRiskMinimization.Fit(network, training, [test], method.Options, new InlineProgress<IrmRecord>(record => progress.Report(
                        record.Step,
                        string.Create(CultureInfo.InvariantCulture, $"step {record.Step}: train {record.TrainAccuracy:P1}, test {record.Accuracies[0]:P1}, penalty {record.Penalty:G3}")))));
                var last = history[^1];
                runs.Add(new IrmRun(method, restart, last.TrainAccuracy, last.Accuracies[0], history, clock.Elapsed.TotalSeconds));
            }
        }

        return runs;
    }
}
