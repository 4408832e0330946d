using System.Diagnostics;
using System.Globalization;
using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Examples.Notears;

/// <summary>
/// Linear NOTEARS against NOTEARS-MLP on data whose mechanisms are not linear: an ER2 graph,
/// each node a random one-hidden-layer sigmoid network of its parents plus N(0, 1) noise
/// (the reference's <c>simulate_nonlinear_sem(..., 'mlp')</c>).
/// </summary>
internal static class NonlinearComparison
{
    /// <summary>
    /// Runs <paramref name="seeds"/> data sets of d nodes and n samples and writes the table; returns the means.
    /// <paramref name="smoke"/> caps each inner solve at 30 iterations with 4 hidden units: it runs the code, it does not learn well.
    /// </summary>
    public static IReadOnlyList<(string, double)> Run(TextWriter output, int nodes, int samples, int seeds, long firstSeed, bool smoke)
    {
        var rows = ExampleProgress.Run(output, $"NOTEARS-MLP against linear, ER2 d = {nodes}", seeds, progress =>
        {
            var list = new List<(long Seed, StructureComparison Linear, StructureComparison Mlp, bool MlpDag, double Seconds)>();
            for (int s = 0; s < seeds; s++)
            {
                using var scope = NewDisposeScope();
                long seed = firstSeed + s;
                var random = new Random(checked((int)seed));
                var structure = RandomDag.Structure(nodes, 2 * nodes, RandomGraphType.ErdosRenyi, random);
                var x = NonlinearSem.Sample(structure, samples, NonlinearMechanism.Mlp, random);
                var linear = Causal.Notears.Fit(x, new NotearsOptions { Lambda1 = 0.1, WeightThreshold = 0.3 });
                var clock = Stopwatch.StartNew();
                var settings = new NotearsMlpOptions { Seed = checked((int)seed) };
                if (smoke)
                {
                    settings = settings with { HiddenUnits = [4], Solver = new Inference.Optim.BoundedLbfgsOptions { MaxIterations = 30 } };
                }

                var mlp = NotearsMlp.Fit(x, settings);
                double seconds = clock.Elapsed.TotalSeconds;
                list.Add((seed, StructureMetrics.Compare(structure, linear.Weights), StructureMetrics.Compare(structure, mlp.Weights), mlp.IsDag, seconds));
                progress.Report(s + 1, string.Create(CultureInfo.InvariantCulture, $"seed {seed}: SHD linear {list[^1].Linear.Shd}, MLP {list[^1].Mlp.Shd}"));
            }

            return list;
        });

        output.WriteLine($"Nonlinear data (ER2, d = {nodes}, n = {samples}, mlp mechanisms): linear NOTEARS (λ₁ = 0.1) against NOTEARS-MLP (one hidden layer of 10, λ₁ = λ₂ = 0.01); threshold 0.3 for both.");
        output.WriteLine("| seed | linear SHD / TPR / FDR | NOTEARS-MLP SHD / TPR / FDR | MLP DAG | MLP seconds |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var r in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Seed} | {r.Linear.Shd} / {r.Linear.Tpr:F2} / {r.Linear.Fdr:F2} | {r.Mlp.Shd} / {r.Mlp.Tpr:F2} / {r.Mlp.Fdr:F2} | {r.MlpDag} | {r.Seconds:F1} |"));
        }

        double linearMean = rows.Average(r => r.Linear.Shd), mlpMean = rows.Average(r => r.Mlp.Shd);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| mean | {linearMean:F1} / {rows.Average(r => r.Linear.Tpr):F2} / {rows.Average(r => r.Linear.Fdr):F2} | {mlpMean:F1} / {rows.Average(r => r.Mlp.Tpr):F2} / {rows.Average(r => r.Mlp.Fdr):F2} | {rows.Count(r => r.MlpDag)}/{rows.Count} | {rows.Average(r => r.Seconds):F1} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"NOTEARS-MLP has the lower SHD on {rows.Count(r => r.Mlp.Shd < r.Linear.Shd)} of {rows.Count} seeds, the same on {rows.Count(r => r.Mlp.Shd == r.Linear.Shd)}."));
        return
        [
            ("nonlinear/linear mean shd", linearMean),
            ("nonlinear/mlp mean shd", mlpMean),
            ("nonlinear/mlp dags", rows.Count(r => r.MlpDag)),
            ("nonlinear/runs", rows.Count),
        ];
    }
}
