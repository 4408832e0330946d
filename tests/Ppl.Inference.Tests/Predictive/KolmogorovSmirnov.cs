namespace Ppl.Tests.Inference.Predictive;

/// <summary>Kolmogorov–Smirnov statistics and their large-sample critical values.</summary>
internal static class KolmogorovSmirnov
{
    /// <summary>c(α) for α = 0.001: the statistic exceeds c/√n with probability 0.001 under the null.</summary>
    public const double Critical = 1.949;

    /// <summary>sup |F̂(x) − F(x)| of <paramref name="samples"/> against the CDF <paramref name="cdf"/>.</summary>
    public static double OneSample(IEnumerable<double> samples, Func<double, double> cdf)
    {
        var sorted = samples.Order().ToArray();
        double n = sorted.Length, d = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(((i + 1) / n) - f, f - (i / n)));
        }

        return d;
    }

    /// <summary>sup |F̂₁ − F̂₂| of two samples.</summary>
    public static double TwoSample(IEnumerable<double> first, IEnumerable<double> second)
    {
        var a = first.Order().ToArray();
        var b = second.Order().ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < a.Length && j < b.Length)
        {
            double x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        return d;
    }

    /// <summary>The α = 0.001 threshold for a one-sample statistic of <paramref name="n"/> draws.</summary>
    public static double Threshold(int n) => Critical / Math.Sqrt(n);

    /// <summary>The α = 0.001 threshold for a two-sample statistic.</summary>
    public static double Threshold(int n, int m) => Critical * Math.Sqrt((double)(n + m) / ((double)n * m));
}
