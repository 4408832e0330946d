using System.Globalization;
using Ppl.Examples.Pictures;
using ScottPlot;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>The competing-experts example's pictures, drawn from the first seed.</summary>
internal static class ExpertsPictures
{
    /// <summary>Writes the win-share heat maps (start and end), the accuracy curve and the expert × mechanism grid; returns their paths.</summary>
    public static IReadOnlyList<string> WriteFirstSeed(string folder, ExpertsSettings settings, ExpertsRun run, IReadOnlyList<nn.Module<Tensor, Tensor>> experts, TransformedDigits test)
    {
        var names = settings.Mechanisms.Select(m => m.Name).ToList();
        string start = Path.Combine(folder, "wins-start.png");
        string end = Path.Combine(folder, "wins-end.png");
        string accuracy = Path.Combine(folder, "accuracy.png");
        string grid = Path.Combine(folder, "grid.png");
        Shares(start, run.Start.Shares, names, "after identity pretraining, before the competition");
        Shares(end, run.End.Shares, names, $"after {settings.Iterations} iterations");
        Accuracy(accuracy, run);
        Grid(grid, settings, experts, test);
        return [start, end, accuracy, grid];
    }

    private static void Shares(string path, double[,] shares, List<string> mechanisms, string when)
    {
        int experts = shares.GetLength(0);
        var plot = new Plot();
        var map = plot.Add.Heatmap(shares);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(map);
        for (int e = 0; e < experts; e++)
        {
            for (int m = 0; m < mechanisms.Count; m++)
            {
                // ScottPlot draws row 0 of the array at the top
                var text = plot.Add.Text(shares[e, m].ToString("F2", CultureInfo.InvariantCulture), m, experts - 1 - e);
                text.LabelFontColor = shares[e, m] > 0.5 ? Colors.Black : Colors.White;
                text.LabelAlignment = Alignment.MiddleCenter;
            }
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, mechanisms.Count).Select(m => (double)m)], [.. mechanisms]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, experts).Select(e => (double)(experts - 1 - e))], [.. Enumerable.Range(0, experts).Select(e => $"expert {e}")]);
        plot.Title($"Share of each mechanism's held-out digits won by each expert\n{when}");
        plot.XLabel("mechanism");
        plot.SavePng(path, Math.Max(720, 160 + (90 * mechanisms.Count)), 180 + (55 * experts));
    }

    private static void Accuracy(string path, ExpertsRun run)
    {
        var iterations = run.Curve.Select(c => (double)c.Iteration).ToList();
        LossCurve.WritePng(
            path,
            [
                new LossSeries("routed outputs", iterations, run.Curve.Select(c => c.Accuracy).ToList()),
                new LossSeries("transformed inputs", iterations, iterations.Select(_ => run.End.TransformedAccuracy).ToList()),
                new LossSeries("original digits", iterations, iterations.Select(_ => run.End.OriginalAccuracy).ToList()),
            ],
            title: "Classifier accuracy on the experts' routed outputs",
            xLabel: "iteration",
            yLabel: "accuracy",
            legend: Alignment.MiddleRight);
    }

    /// <summary>Top row: one held-out digit through every mechanism; row e + 1: expert e's output on each.</summary>
    private static void Grid(string path, ExpertsSettings settings, IReadOnlyList<nn.Module<Tensor, Tensor>> experts, TransformedDigits test)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var digit = test.Canonical.narrow(0, 0, 1);
        var generator = new Generator(0);
        var inputs = cat(settings.Mechanisms.Select(m => m.Apply(digit, generator)).ToArray(), 0);
        var rows = new List<Tensor> { inputs };
        foreach (var expert in experts)
        {
            bool mode = expert.training;
            expert.eval();
            rows.Add(expert.forward(inputs));
            expert.train(mode);
        }

        var images = cat(rows.ToArray(), 0).reshape(-1, TransformedDigits.Side, TransformedDigits.Side);
        ImageGrid.WritePng(path, images, columns: settings.Mechanisms.Count, scale: 3);
    }
}
