using Ppl.Causal;
using Ppl.Examples.FrozenLake.Mdp;
using ScottPlot;

namespace Ppl.Examples.FrozenLake;

/// <summary>The estimates of the target policy's value side by side, with ±2 standard errors and the exact value as a line.</summary>
internal static class EstimatesPlot
{
    public static void Save(string path, string title, double exact, IReadOnlyList<(string Label, CausalEstimate Estimate)> rows)
    {
        var plot = new Plot();
        var shown = rows.Where(r => double.IsFinite(r.Estimate.Value)).ToList();
        double[] xs = [.. Enumerable.Range(0, shown.Count).Select(i => (double)i)];
        double[] ys = [.. shown.Select(r => r.Estimate.Value)];
        double[] errors = [.. shown.Select(r => 2 * r.Estimate.StandardError)];
        var truth = plot.Add.HorizontalLine(exact);
        truth.LinePattern = LinePattern.Dashed;
        truth.LegendText = $"exact value of the target policy ({exact:F3})";
        var bars = plot.Add.ErrorBar(xs, ys, errors);
        bars.LegendText = "estimate ± 2 s.e.";
        plot.Add.Markers(xs, ys);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, [.. shown.Select(r => r.Label)]);
        plot.Axes.SetLimitsX(-0.6, shown.Count - 0.4);
        plot.Title(title);
        plot.YLabel("probability of reaching the goal");
        plot.ShowLegend(Edge.Bottom); // below the data area: inside, it hid estimates near 0 and near the exact value
        plot.SavePng(path, 1100, 520);
    }
}
