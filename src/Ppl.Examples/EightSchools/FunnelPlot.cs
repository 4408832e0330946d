using Ppl.Examples.Pictures;
using ScottPlot;

namespace Ppl.Examples.EightSchools;

/// <summary>
/// The example's figure: three panels side by side, the draws as points and the divergent ones in red.
/// Left and middle: log τ against school A's effect θ₁ for the centered and the non-centered model, on
/// the same axes (the posterior's funnel, and where each sampler reached into its neck). Right: log τ
/// against θ̃₁, the non-centered sampler's own coordinate, where the funnel is gone.
/// </summary>
internal static class FunnelPlot
{
    private const int PanelWidth = 520;
    private const int Height = 520;

    /// <summary>Writes the figure of <paramref name="centered"/> and <paramref name="nonCentered"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, FunnelPoints centered, FunnelPoints nonCentered)
    {
        ArgumentNullException.ThrowIfNull(centered);
        ArgumentNullException.ThrowIfNull(nonCentered);
        // the two θ panels share their limits so the funnels compare at a glance
        double[] allTheta = [.. centered.Theta, .. nonCentered.Theta];
        double[] allLogTau = [.. centered.LogTau, .. nonCentered.LogTau];
        var thetaLimits = Limits(allTheta);
        var logTauLimits = Limits(allLogTau);
        Plot[] panels =
        [
            Panel(centered.Theta, centered.LogTau, centered.Divergent, $"centered: {centered.Divergences} divergent of {centered.Theta.Length}", "theta[A] (sampled)", thetaLimits, logTauLimits),
            Panel(nonCentered.Theta, nonCentered.LogTau, nonCentered.Divergent, $"non-centered: {nonCentered.Divergences} divergent of {nonCentered.Theta.Length}", "theta[A] = mu + tau * theta_tilde[A]", thetaLimits, logTauLimits),
            Panel(nonCentered.Coordinate, nonCentered.LogTau, nonCentered.Divergent, "non-centered, as its sampler sees it", "theta_tilde[A] (sampled)", Limits(nonCentered.Coordinate), logTauLimits),
        ];

        PanelRow.WritePng(path, panels, PanelWidth, Height);
    }

    private static Plot Panel(double[] x, double[] y, bool[] divergent, string title, string xLabel, (double Low, double High) xLimits, (double Low, double High) yLimits)
    {
        var plot = new Plot();
        // thousands of draws overlap: fainter and smaller points keep the density readable
        bool many = x.Length > 2000;
        Add(plot, x, y, divergent, wanted: false, Colors.SteelBlue.WithAlpha(many ? 0.3 : 0.45), many ? 3 : 4, "draw");
        Add(plot, x, y, divergent, wanted: true, Colors.Red, 5, "divergent transition");
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("log tau");
        plot.Axes.SetLimits(xLimits.Low, xLimits.High, yLimits.Low, yLimits.High);
        plot.ShowLegend(Edge.Bottom); // outside the data area, so no point is hidden
        return plot;
    }

    private static void Add(Plot plot, double[] x, double[] y, bool[] divergent, bool wanted, Color color, float size, string label)
    {
        var indices = Enumerable.Range(0, x.Length).Where(i => divergent[i] == wanted).ToArray();
        // an empty scatter still earns a legend entry: "0 divergent" is worth seeing too
        var points = plot.Add.ScatterPoints(indices.Select(i => x[i]).ToArray(), indices.Select(i => y[i]).ToArray(), color);
        points.MarkerSize = size;
        points.LegendText = label;
    }

    // every draw shown: a divergence far out in a tail is what the picture is for
    private static (double Low, double High) Limits(double[] values)
    {
        double low = values.Min(), high = values.Max();
        double pad = 0.04 * Math.Max(high - low, 1e-9);
        return (low - pad, high + pad);
    }
}
