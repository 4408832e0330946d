using System.Globalization;
using ScottPlot;
using static TorchSharp.torch;

namespace Ppl.Examples.Notears;

/// <summary>The notears example's pictures.</summary>
internal static class NotearsPictures
{
    /// <summary>W (left) and Ŵ (right) as one heat map, a blank column between them; rows are "from", columns "to".</summary>
    public static void Weights(string path, Tensor truth, Tensor estimate, string caption)
    {
        int d = (int)truth.shape[0];
        var w = truth.to(float64).cpu().data<double>().ToArray();
        var e = estimate.to(float64).cpu().data<double>().ToArray();
        var cells = new double[d, (2 * d) + 1];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                cells[i, j] = w[(i * d) + j];
                cells[i, d + 1 + j] = e[(i * d) + j];
            }

            cells[i, d] = double.NaN;
        }

        var plot = new Plot();
        var map = plot.Add.Heatmap(cells);
        map.Colormap = new ScottPlot.Colormaps.CustomInterpolated([Colors.RoyalBlue, Colors.White, Colors.DarkRed]);
        map.ManualRange = new ScottPlot.Range(-2, 2);
        map.NaNCellColor = Colors.Transparent;
        plot.Add.ColorBar(map);

        // ScottPlot draws row 0 of the array at the top: label rows and both halves' columns by node
        double[] columns = [.. Enumerable.Range(0, d).Select(j => (double)j), .. Enumerable.Range(0, d).Select(j => (double)(d + 1 + j))];
        string[] columnLabels = [.. Enumerable.Range(0, d).Select(j => j.ToString(CultureInfo.InvariantCulture)), .. Enumerable.Range(0, d).Select(j => j.ToString(CultureInfo.InvariantCulture))];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(columns, columnLabels);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, d).Select(i => (double)(d - 1 - i))], [.. Enumerable.Range(0, d).Select(i => i.ToString(CultureInfo.InvariantCulture))]);
        plot.Title($"W (left) and NOTEARS' Ŵ (right): {caption}");
        plot.XLabel("to (column j)");
        plot.YLabel("from (row i)");
        plot.SavePng(path, 1000, 520);
    }

    /// <summary>log₁₀ h(W) and log₁₀ ρ after each dual step.</summary>
    public static void DualTrace(string path, IReadOnlyList<double> h, IReadOnlyList<double> rho, string caption)
    {
        var plot = new Plot();
        double[] steps = [.. Enumerable.Range(1, h.Count).Select(i => (double)i)];
        var hLine = plot.Add.Scatter(steps, [.. h.Select(v => Math.Log10(Math.Max(v, 1e-300)))]);
        hLine.LegendText = "log₁₀ h(W)";
        var rhoLine = plot.Add.Scatter(steps, [.. rho.Select(Math.Log10)]);
        rhoLine.LegendText = "log₁₀ ρ";
        var tolerance = plot.Add.HorizontalLine(-8);
        tolerance.LinePattern = LinePattern.Dashed;
        tolerance.Color = Colors.Gray;
        tolerance.LegendText = "h tolerance 1e-8";
        plot.Title($"NOTEARS' augmented Lagrangian, {caption}");
        plot.XLabel("dual step");
        plot.YLabel("log₁₀");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 800, 500);
    }
}
