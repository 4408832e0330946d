namespace Ppl.Testing;

/// <summary>
/// ψ′ and ψ‴ (the variance and fourth cumulant of log X for X ~ Gamma(α)), written out because
/// MathNet has only the digamma: the recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) + (−1)ⁿ⁺¹ n!/xⁿ⁺¹ up to
/// x ≥ 10, then the asymptotic series, accurate to about 1e-12 there.
/// </summary>
public static class Polygamma
{
    /// <summary>ψ′(x) for x &gt; 0.</summary>
    public static double Trigamma(double x)
    {
        double sum = 0;
        for (; x < 10; x++)
        {
            sum += 1 / (x * x);
        }

        double x2 = 1 / (x * x);
        return sum + (1 / x) + (x2 / 2) + (x2 / x * ((1.0 / 6) - (x2 * ((1.0 / 30) - (x2 * ((1.0 / 42) - (x2 / 30)))))));
    }

    /// <summary>ψ‴(x) for x &gt; 0: 6·Σ 1/(x + k)⁴, asymptotically 2/x³ + 3/x⁴ + 2/x⁵ − 1/x⁷ + 4/(3x⁹).</summary>
    public static double Tetragamma(double x)
    {
        double sum = 0;
        for (; x < 10; x++)
        {
            sum += 6 / (x * x * x * x);
        }

        double x2 = 1 / (x * x), x3 = x2 / x;
        return sum + (x3 * (2 + (3 / x) + (x2 * (2 - (x2 * (1 - (x2 * 4.0 / 3)))))));
    }
}
