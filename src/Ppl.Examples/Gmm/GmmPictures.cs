using ScottPlot;

namespace Ppl.Examples.Gmm;

/// <summary>The gmm example's picture of the fit: the data's histogram by inferred component, with the fitted densities.</summary>
internal static class GmmPictures
{
    private const int Bins = 60;

    /// <summary>Writes the histogram of <paramref name="points"/>, one colour per component of <paramref name="route"/>'s assignments, and its fitted component densities scaled to counts.</summary>
    public static void Fit(string path, double[] points, GmmRoute route, double accuracy)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double lo = points.Min() - 1, hi = points.Max() + 1, width = (hi - lo) / Bins;
        int k = route.Locs.Length;
        for (int c = 0; c < k; c++)
        {
            var counts = new double[Bins];
            for (int n = 0; n < points.Length; n++)
            {
                if (route.Assignments[n] == c)
                {
                    counts[Math.Clamp((int)((points[n] - lo) / width), 0, Bins - 1)]++;
                }
            }

            var bars = plot.Add.Bars(Enumerable.Range(0, Bins).Select(b => lo + ((b + 0.5) * width)).ToArray(), counts);
            bars.Color = palette.GetColor(c).WithAlpha(0.55);
            bars.LegendText = $"points assigned to component {c}";
            foreach (var bar in bars.Bars)
            {
                bar.Size = width * 0.95;
                bar.LineWidth = 0;
            }
        }

        double[] grid = [.. Enumerable.Range(0, 400).Select(i => lo + ((hi - lo) * i / 399.0))];
        var total = new double[grid.Length];
        for (int c = 0; c < k; c++)
        {
            // expected count per bin: N · bin width · w_c · Normal density
            double[] density = [.. grid.Select(g => points.Length * width * route.Weights[c] * NormalPdf(g, route.Locs[c], route.Scale))];
            for (int i = 0; i < grid.Length; i++)
            {
                total[i] += density[i];
            }

            var line = plot.Add.Scatter(grid, density, palette.GetColor(c));
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"fitted component {c}: w {route.Weights[c]:F2}, mean {route.Locs[c]:F2}");
        }

        var mixture = plot.Add.Scatter(grid, total, Colors.Black);
        mixture.MarkerSize = 0;
        mixture.LineWidth = 1.5f;
        mixture.LinePattern = LinePattern.Dashed;
        mixture.LegendText = "fitted mixture";
        plot.Title(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{route.Name}: MAP assignments (accuracy {accuracy:P1}) and fitted densities"));
        plot.XLabel("x (simulated)");
        plot.YLabel(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"points per bin (width {width:F2})"));
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 900, 620);
    }

    private static double NormalPdf(double x, double mean, double sd) =>
        Math.Exp(-0.5 * ((x - mean) / sd) * ((x - mean) / sd)) / (sd * Math.Sqrt(2 * Math.PI));
}
