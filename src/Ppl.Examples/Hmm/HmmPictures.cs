using System.Globalization;
using Ppl.Examples.Pictures;
using ScottPlot;

namespace Ppl.Examples.Hmm;

/// <summary>The hmm example's pictures: a window of the chain with its true and decoded states, and the fitted parameters against the true ones.</summary>
internal static class HmmPictures
{
    /// <summary>
    /// Steps [0, <paramref name="window"/>): the observations, the true state's emission mean and the
    /// decoded state's fitted mean as step lines, and the steps the decoding gets wrong marked.
    /// </summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="observations">Every observation.</param>
    /// <param name="truth">The true states.</param>
    /// <param name="decoded">The Viterbi states, relabelled to the true labels.</param>
    /// <param name="fittedLocs">The fitted means, indexed by true label.</param>
    /// <param name="window">How many steps to show.</param>
    public static void Path(string path, double[] observations, long[] truth, long[] decoded, double[] fittedLocs, int window)
    {
        int w = Math.Min(window, observations.Length);
        var plot = new Plot();
        double[] t = [.. Enumerable.Range(0, w).Select(i => (double)i)];
        var obs = plot.Add.Scatter(t, observations[..w], Colors.Gray.WithAlpha(0.7));
        obs.LineWidth = 1;
        obs.MarkerSize = 3;
        obs.LegendText = "observation x_t (simulated)";
        AddSteps(plot, [.. truth[..w].Select(s => HmmData.TrueLocs[s])], Colors.Black, 2.5f, LinePattern.Solid, "true state's mean");
        AddSteps(plot, [.. decoded[..w].Select(s => fittedLocs[s])], Colors.DarkOrange, 2f, LinePattern.Dashed, "Viterbi state's fitted mean");
        int[] wrong = [.. Enumerable.Range(0, w).Where(i => truth[i] != decoded[i])];
        var misses = plot.Add.ScatterPoints(wrong.Select(i => (double)i).ToArray(), wrong.Select(i => observations[i]).ToArray(), Colors.Red);
        misses.MarkerSize = 8;
        misses.MarkerShape = MarkerShape.OpenCircle;
        misses.LegendText = string.Create(CultureInfo.InvariantCulture, $"decoded state wrong ({wrong.Length} of {w})");
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"HMM: the first {w} steps, true states and the Viterbi path of the fitted model"));
        plot.XLabel("step t");
        plot.YLabel("x");
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 1000, 560);
    }

    /// <summary>
    /// Every fitted parameter against its true value (relabelled to the true states), with the identity
    /// line: the transition probabilities in the left panel, the emission means and sd in the right one.
    /// </summary>
    public static void Parameters(string path, double[] fittedTransition, double[] fittedLocs, double fittedScale)
    {
        int k = HmmData.K;
        var transitions = new Plot();
        double[] trueTransition = [.. Enumerable.Range(0, k * k).Select(i => HmmData.TrueTransition[i / k, i % k])];
        Add(transitions, trueTransition, fittedTransition, Colors.SteelBlue, MarkerShape.FilledCircle, "transition[i, j] (9)");
        Identity(transitions, 0, 1);
        transitions.Title("Transition probabilities");
        transitions.XLabel("true value");
        transitions.YLabel("fitted value (MAP)");
        transitions.Axes.SetLimits(-0.05, 1.05, -0.05, 1.05);
        transitions.ShowLegend(Alignment.UpperLeft);

        var emissions = new Plot();
        Add(emissions, HmmData.TrueLocs, fittedLocs, Colors.DarkOrange, MarkerShape.FilledSquare, "emission means (3)");
        Add(emissions, [HmmData.TrueScale], [fittedScale], Colors.Green, MarkerShape.FilledDiamond, "emission sd");
        double lo = Math.Min(HmmData.TrueLocs.Min(), fittedLocs.Min()) - 0.3, hi = Math.Max(HmmData.TrueLocs.Max(), fittedLocs.Max()) + 0.3;
        Identity(emissions, lo, hi);
        emissions.Title("Emissions");
        emissions.XLabel("true value");
        emissions.YLabel("fitted value (MAP)");
        emissions.ShowLegend(Alignment.UpperLeft);
        PanelRow.WritePng(path, [transitions, emissions], 520, 520);
    }

    private static void Identity(Plot plot, double lo, double hi)
    {
        var identity = plot.Add.Line(lo, lo, hi, hi);
        identity.Color = Colors.Gray;
        identity.LinePattern = LinePattern.Dashed;
        identity.LegendText = "fitted = true";
    }

    private static void Add(Plot plot, double[] x, double[] y, Color color, MarkerShape shape, string label)
    {
        var points = plot.Add.ScatterPoints(x, y, color);
        points.MarkerSize = 9;
        points.MarkerShape = shape;
        points.LegendText = label;
    }

    // a piecewise-constant line: each value held from its step to the next
    private static void AddSteps(Plot plot, double[] values, Color color, float width, LinePattern pattern, string label)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < values.Length; i++)
        {
            xs.Add(i - 0.5);
            ys.Add(values[i]);
            xs.Add(i + 0.5);
            ys.Add(values[i]);
        }

        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        line.MarkerSize = 0;
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.LegendText = label;
    }
}
