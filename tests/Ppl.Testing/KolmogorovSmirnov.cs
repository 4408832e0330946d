namespace Ppl.Testing;

/// <summary>
/// Kolmogorov–Smirnov statistics, their large-sample critical values and the one-sample p-value: the
/// one implementation behind <see cref="GoodnessOfFit.KolmogorovSmirnov"/> (sampler tests, p-values)
/// and the predictive tests (thresholds, two samples).
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>c(α) for α = 0.001: the statistic exceeds c/√n with probability 0.001 under the null.</summary>
    public const double Critical = 1.949;

    /// <summary>sup |F̂(x) − F(x)| of <paramref name="samples"/> against the CDF <paramref name="cdf"/>.</summary>
    public static double OneSample(IEnumerable<double> samples, Func<double, double> cdf)
    {
        ArgumentNullException.ThrowIfNull(cdf);
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

    /// <summary>
    /// P(D &gt; <paramref name="statistic"/>) for a one-sample statistic of <paramref name="n"/> draws:
    /// the Kolmogorov survival function at D(√n + 0.12 + 0.11/√n) (Stephens' small-sample correction).
    /// </summary>
    public static double PValue(double statistic, int n) =>
        KolmogorovSurvival(statistic * (Math.Sqrt(n) + 0.12 + (0.11 / Math.Sqrt(n))));

    /// <summary>P(K &gt; x) for the Kolmogorov distribution.</summary>
    private static double KolmogorovSurvival(double x)
    {
        if (x < 0.2)
        {
            return 1;
        }

        double sum = 0;
        for (int k = 1; k <= 100; k++)
        {
            sum += (k % 2 == 1 ? 2 : -2) * Math.Exp(-2.0 * k * k * x * x);
        }

        return Math.Clamp(sum, 0, 1);
    }
}
