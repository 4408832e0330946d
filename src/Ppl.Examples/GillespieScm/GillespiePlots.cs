using System.Collections.Immutable;
using Ppl.Examples.GillespieScm.Kinetics;
using ScottPlot;

namespace Ppl.Examples.GillespieScm;

/// <summary>The PNG figures of the Gillespie-vs-SCM example.</summary>
internal static class GillespiePlots
{
    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen];

    /// <summary>Active counts of every species against time, as step functions.</summary>
    public static void Trajectory(string path, string title, IReadOnlyList<(double Time, ImmutableArray<long> Counts)> events)
    {
        var plot = new Plot();
        int species = events[0].Counts.Length;
        var times = events.Select(e => e.Time).ToArray();
        for (int i = 0; i < species; i++)
        {
            var counts = events.Select(e => (double)e.Counts[i]).ToArray();
            var line = plot.Add.Scatter(times, counts, Palette[i % Palette.Length]);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
            line.LegendText = Cascade.SpeciesName(i);
        }

        plot.Title(title);
        plot.XLabel("time");
        plot.YLabel("active molecules");
        plot.ShowLegend(Edge.Bottom); // outside the data area, so no bar is hidden
        plot.SavePng(path, 900, 500);
    }

    /// <summary>The simulated equilibrium histogram (bars) against the SCM's interventional law (points).</summary>
    public static void Equilibrium(string path, string title, string axis, CountDistribution simulated, CountDistribution scm)
    {
        var plot = new Plot();
        var positions = Enumerable.Range(0, simulated.Pmf.Length).Select(k => (double)k).ToArray();
        var bars = plot.Add.Bars(positions, [.. simulated.Pmf]);
        bars.LegendText = $"Gillespie equilibrium ({simulated.SampleCount:N0} cells)";
        bars.Color = Colors.SteelBlue.WithAlpha(0.6);
        var support = Enumerable.Range(0, scm.Pmf.Length).Select(k => (double)k).ToArray();
        var points = plot.Add.Scatter(support, [.. scm.Pmf], Colors.DarkRed);
        points.LegendText = "SCM under do() (exact)";
        points.LineWidth = 1;
        points.MarkerSize = 5;
        plot.Title(title);
        plot.XLabel(axis);
        plot.YLabel("probability");
        plot.ShowLegend(Edge.Bottom); // outside the data area, so no bar is hidden
        plot.SavePng(path, 900, 500);
    }
}
