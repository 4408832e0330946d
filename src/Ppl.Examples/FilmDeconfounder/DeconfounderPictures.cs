using ScottPlot;
using static TorchSharp.torch;

namespace Ppl.Examples.FilmDeconfounder;

/// <summary>The deconfounder example's pictures.</summary>
internal static class DeconfounderPictures
{
    /// <summary>Estimated against true effects, naive and deconfounded, with the identity line; the planted actor marked.</summary>
    public static void Effects(string path, FilmData data, EffectEstimates estimates)
    {
        var truth = data.Truth ?? throw new ArgumentException("Only a simulation knows the true effects.", nameof(data));
        var plot = new Plot();
        var x = Values(truth.Effects);
        var series = new (string Name, Tensor Effects, Color Color)[]
        {
            ("naive E[Y | A=1] − E[Y | A=0]", estimates.NaiveSingle, Colors.DarkOrange.WithAlpha(0.6)),
            ("deconfounded (adjusting for Ẑ)", estimates.DeconfoundedSingle, Colors.SteelBlue.WithAlpha(0.7)),
        };
        foreach (var (name, effects, color) in series)
        {
            var points = plot.Add.ScatterPoints(x, Values(effects), color);
            points.MarkerSize = 5;
            points.LegendText = name;
        }

        int bond = truth.PlantedActor;
        foreach (var (_, effects, _) in series)
        {
            var marker = plot.Add.Marker(0, effects[bond].item<double>(), MarkerShape.OpenCircle, 14, Colors.DarkRed);
            marker.LineWidth = 2;
        }

        plot.Add.Text($"{data.Actors[bond]} (true effect 0)", 0.05, estimates.NaiveSingle[bond].item<double>());
        double lo = Math.Min(x.Min(), -1), hi = Math.Max(x.Max(), 1);
        var identity = plot.Add.Line(lo, lo, hi, hi);
        identity.Color = Colors.Gray;
        identity.LinePattern = LinePattern.Dashed;
        identity.LegendText = "estimate = truth";
        plot.Title("Per-actor effects on revenue: estimates against the simulation's truth");
        plot.XLabel("true effect β_j");
        plot.YLabel("estimated effect");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 650);
    }

    /// <summary>Histograms of the check's per-unit p-values for the chosen model and the independent one: flat when the model fits.</summary>
    public static void Check(string path, string chosen, Inference.FactorModels.PredictiveCheckResult check, Inference.FactorModels.PredictiveCheckResult independent)
    {
        var plot = new Plot();
        var palette = new[] { Colors.SteelBlue.WithAlpha(0.7), Colors.DarkOrange.WithAlpha(0.55) };
        var runs = new[] { ($"{chosen}: p = {check.PValue:F2}", check), ($"LogisticFactorModel K=0: p = {independent.PValue:G2}", independent) };
        int bins = check.Bins;
        double width = 1.0 / bins;
        for (int r = 0; r < runs.Length; r++)
        {
            var counts = new double[bins];
            foreach (double p in runs[r].Item2.UnitPValues)
            {
                counts[Math.Clamp((int)(p * bins), 0, bins - 1)]++;
            }

            var positions = Enumerable.Range(0, bins).Select(b => (b + 0.5) * width).ToArray();
            var bars = plot.Add.Bars(positions, counts);
            bars.Color = palette[r];
            bars.LegendText = runs[r].Item1;
            foreach (var bar in bars.Bars)
            {
                bar.Size = width * 0.9;
                bar.LineWidth = 0;
            }
        }

        var flat = plot.Add.HorizontalLine(check.UnitPValues.Count / (double)bins, 2, Colors.DarkRed);
        flat.LinePattern = LinePattern.Dashed;
        flat.LegendText = "what a model that fits gives (uniform)";
        plot.Title("Held-out predictive check: per-film p-values of the held-out casting");
        plot.XLabel("P(replica less likely than the held-out entries), per film");
        plot.YLabel("films");
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 900, 550);
    }

    private static double[] Values(Tensor t) => t.to(float64).contiguous().data<double>().ToArray();
}
