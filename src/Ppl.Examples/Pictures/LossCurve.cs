using System.Globalization;
using ScottPlot;

namespace Ppl.Examples.Pictures;

/// <summary>
/// Writes loss curves (e.g. training and test −ELBO per epoch) as one PNG line plot with a
/// title, axis labels and a legend, for the deep examples. Every point must be finite: a NaN or
/// infinite loss is a failed run to report, not a point to drop.
/// </summary>
/// <example><code>
/// LossCurve.WritePng("loss.png", [LossSeries.PerEpoch("train", train), LossSeries.PerEpoch("test", test)],
///     title: "VAE on MNIST", yLabel: "−ELBO per image (nats)");
/// </code></example>
public static class LossCurve
{
    /// <summary>Writes <paramref name="series"/> to <paramref name="path"/> as a PNG of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <param name="path">The PNG file to write (its folder is created).</param>
    /// <param name="series">The curves, drawn in order with distinct colors.</param>
    /// <param name="title">The plot's title.</param>
    /// <param name="xLabel">The x axis label.</param>
    /// <param name="yLabel">The y axis label.</param>
    /// <param name="width">The picture's width in pixels.</param>
    /// <param name="height">The picture's height in pixels.</param>
    /// <param name="legend">Where the legend goes (upper right when null): the corner the curves leave free.</param>
    /// <exception cref="ArgumentException">No series, a series without a name, without points, with X and Y of different lengths, with a NaN or infinite value, or two series of the same name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height is below 100 pixels.</exception>
    public static void WritePng(string path, IReadOnlyList<LossSeries> series, string title = "Loss", string xLabel = "epoch", string yLabel = "−ELBO", int width = 800, int height = 500, Alignment? legend = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        Check(series);

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var line = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray(), palette.GetColor(i));
            line.LegendText = s.Name;
            line.LineWidth = 2;
            line.MarkerSize = s.X.Count <= 60 ? 5 : 0; // markers show single epochs; on long runs they only clutter
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(legend ?? Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }

    private static void Check(IReadOnlyList<LossSeries> series)
    {
        if (series.Count == 0)
        {
            throw new ArgumentException("LossCurve: give at least one series.", nameof(series));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(series));
            if (string.IsNullOrWhiteSpace(s.Name))
            {
                throw new ArgumentException("LossCurve: every series needs a name for the legend.", nameof(series));
            }

            if (!names.Add(s.Name))
            {
                throw new ArgumentException($"LossCurve: two series are named '{s.Name}'; the legend could not tell them apart.", nameof(series));
            }

            ArgumentNullException.ThrowIfNull(s.X, nameof(series));
            ArgumentNullException.ThrowIfNull(s.Y, nameof(series));
            if (s.X.Count == 0 || s.X.Count != s.Y.Count)
            {
                throw new ArgumentException($"LossCurve: series '{s.Name}' needs at least one point and as many y values as x values; it has {s.X.Count} x and {s.Y.Count} y.", nameof(series));
            }

            for (int k = 0; k < s.X.Count; k++)
            {
                if (!double.IsFinite(s.X[k]) || !double.IsFinite(s.Y[k]))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"LossCurve: series '{s.Name}' has a non-finite point {k}: ({s.X[k]}, {s.Y[k]}). A NaN or infinite loss means the run failed; fix or report it rather than plotting around it."),
                        nameof(series));
                }
            }
        }
    }
}
