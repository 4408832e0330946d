using ScottPlot;

namespace Ppl.Examples.BnnRegression;

/// <summary>The example's figure: data, the true function, the predictive mean and the 5–95% predictive band.</summary>
internal static class BandPlot
{
    public static void Write(string path, BandPlotData data)
    {
        var plot = new Plot();
        var band = plot.Add.FillY(data.Grid, data.Lower, data.Upper);
        band.FillColor = Colors.SteelBlue.WithAlpha(0.25);
        band.LineColor = Colors.SteelBlue.WithAlpha(0.5);
        band.LegendText = "5–95% posterior predictive";

        var truth = plot.Add.Scatter(data.Grid, data.Truth, Colors.Gray);
        truth.MarkerSize = 0;
        truth.LineWidth = 1.5f;
        truth.LinePattern = LinePattern.Dashed;
        truth.LegendText = "true function";

        var mean = plot.Add.Scatter(data.Grid, data.Mean, Colors.DarkBlue);
        mean.MarkerSize = 0;
        mean.LineWidth = 2;
        mean.LegendText = "predictive mean";

        var points = plot.Add.Scatter(data.X, data.Y, Colors.DarkOrange);
        points.LineWidth = 0;
        points.MarkerSize = 5;
        points.LegendText = "data";

        plot.Title(data.Title);
        plot.XLabel("x");
        plot.YLabel("y");
        plot.Axes.SetLimitsY(data.YLimits.Low, data.YLimits.High);
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 900, 560);
    }
}
