using MathNet.Numerics.Distributions;
using Ppl.Examples.GillespieScm.Kinetics;

namespace Ppl.Tests.Examples.GillespieScm.Kinetics;

/// <summary>Shared statistics for the kinetics tests.</summary>
internal static class KineticsTestSupport
{
    /// <summary>
    /// Pearson's chi-square p-value of observed counts against expected probabilities, pooling
    /// adjacent cells (from both tails inwards) until every expected count is at least 5.
    /// </summary>
    public static double ChiSquarePValue(CountDistribution observed, IReadOnlyList<double> expected)
    {
        long n = observed.SampleCount;
        Assert.True(n > 0, "chi-square needs a sample histogram");
        var cells = new List<(double Observed, double Expected)>();
        double o = 0, e = 0;
        for (int k = 0; k < Math.Max(expected.Count, observed.Pmf.Length); k++)
        {
            o += observed.At(k) * n;
            e += (k < expected.Count ? expected[k] : 0) * n;
            if (e >= 5)
            {
                cells.Add((o, e));
                (o, e) = (0, 0);
            }
        }

        // the right tail left over joins the last cell
        var last = cells[^1];
        cells[^1] = (last.Observed + o, last.Expected + e);
        double statistic = cells.Sum(c => (c.Observed - c.Expected) * (c.Observed - c.Expected) / c.Expected);
        int dof = cells.Count - 1;
        Assert.True(dof >= 2, $"too few chi-square cells ({cells.Count})");
        return 1 - ChiSquared.CDF(dof, statistic);
    }

    /// <summary>A three-kinase cascade with a strongly saturating last stage (so Jensen gaps are visible).</summary>
    public static Cascade ThreeKinase(double x2Timescale = 1.0) =>
        new Cascade([10, 20, 50], [1.0, 0.05, 0.5], [1.0, 1.0, 1.0]).WithTimescale(1, x2Timescale);
}
