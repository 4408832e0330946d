using MathNet.Numerics.Distributions;

namespace Ppl.Testing;

/// <summary>
/// Goodness-of-fit tests for sampler checks. Each returns a p-value; callers assert it exceeds a
/// small significance level at a fixed seed, so the rejection threshold follows from the sample
/// size through the test's null distribution rather than a hand-tuned tolerance.
/// </summary>
public static class GoodnessOfFit
{
    /// <summary>The significance level sampler tests use: a correct sampler fails one seed in a thousand.</summary>
    public const double Alpha = 1e-3;

    /// <summary>One-sample Kolmogorov–Smirnov test of <paramref name="samples"/> against a continuous <paramref name="cdf"/>.</summary>
    public static (double Statistic, double PValue) KolmogorovSmirnov(IEnumerable<double> samples, Func<double, double> cdf)
    {
        double[] x = [.. samples];
        double d = Testing.KolmogorovSmirnov.OneSample(x, cdf);
        return (d, Testing.KolmogorovSmirnov.PValue(d, x.Length));
    }

    /// <summary>
    /// Pearson chi-square test of integer <paramref name="samples"/> against probabilities
    /// <paramref name="pmf"/>(k) for k in [<paramref name="min"/>, <paramref name="max"/>]; the mass
    /// outside the range forms one tail bin, and bins expected below 5 counts are pooled.
    /// </summary>
    public static (double Statistic, double PValue) ChiSquare(IEnumerable<long> samples, Func<long, double> pmf, long min, long max)
    {
        ArgumentNullException.ThrowIfNull(pmf);
        long[] s = [.. samples];
        int n = s.Length;
        int k = (int)(max - min + 1);
        var observed = new double[k + 1];
        var expected = new double[k + 1];
        foreach (long v in s)
        {
            observed[v < min || v > max ? k : (int)(v - min)]++;
        }

        double inside = 0;
        for (int i = 0; i < k; i++)
        {
            expected[i] = n * pmf(min + i);
            inside += expected[i];
        }

        expected[k] = Math.Max(0, n - inside);

        // pool adjacent bins until each expects at least 5 counts
        var obs = new List<double>();
        var exp = new List<double>();
        double o = 0, e = 0;
        for (int i = 0; i <= k; i++)
        {
            o += observed[i];
            e += expected[i];
            if (e >= 5)
            {
                obs.Add(o);
                exp.Add(e);
                o = 0;
                e = 0;
            }
        }

        if (exp.Count == 0)
        {
            throw new ArgumentException("ChiSquare: fewer than 5 expected counts in total; draw more samples.");
        }

        obs[^1] += o;
        exp[^1] += e;
        if (o > 0 && e < 1e-12)
        {
            return (double.PositiveInfinity, 0); // counts where the pmf says none can fall
        }

        double stat = obs.Zip(exp, (a, b) => (a - b) * (a - b) / b).Sum();
        int dof = exp.Count - 1;
        return dof < 1 ? (stat, 1.0) : (stat, 1 - ChiSquared.CDF(dof, stat));
    }

    /// <summary>Asserts a goodness-of-fit p-value is not below <see cref="Alpha"/>.</summary>
    public static void AssertFits((double Statistic, double PValue) result, string what) =>
        Assert.True(result.PValue >= Alpha, $"{what}: statistic {result.Statistic:G5}, p = {result.PValue:G3} < {Alpha}");
}
