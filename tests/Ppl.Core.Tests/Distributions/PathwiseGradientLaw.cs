using MathNet.Numerics;
using MathNetBeta = MathNet.Numerics.Distributions.Beta;
using MathNetGamma = MathNet.Numerics.Distributions.Gamma;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

/// <summary>
/// The law of one pathwise gradient f′(x)·∂x/∂θ for samplers built on gamma draws, from theory.
/// The per-draw derivative depends on the draw x and on a second independent variable (the sum of
/// the two gammas of a Beta draw, the chi-square of a StudentT draw), so its moments are a 2-D
/// integral over the two variables' laws; it is taken by the midpoint rule on a grid of their
/// quantiles, where every cell has the same probability. A gamma draw g ~ Gamma(α, 1) moves with α
/// at ∂g/∂α = −(∂F/∂α)/p(g) (F its CDF, p its density, from MathNet), the implicit derivative.
/// </summary>
internal sealed class PathwiseGradientLaw
{
    private readonly double[] _draws;
    private readonly double[] _derivatives;

    private PathwiseGradientLaw(double[] draws, double[] derivatives)
    {
        _draws = draws;
        _derivatives = derivatives;
    }

    /// <summary>
    /// Beta(a, b) drawn as x = G_a / S, S = G_a + G_b: ∂x/∂a = (1 − x)/S · ∂G_a/∂a at G_a = xS and
    /// ∂x/∂b = −x/S · ∂G_b/∂b at G_b = (1 − x)S, with x ~ Beta(a, b) independent of S ~ Gamma(a + b).
    /// </summary>
    public static PathwiseGradientLaw Beta(double a, double b, bool wrtConcentration1, int cells = 400)
    {
        var xs = Quantiles(u => MathNetBeta.InvCDF(a, b, u), cells);
        var sums = Quantiles(u => MathNetGamma.InvCDF(a + b, 1, u), cells);
        return Grid(xs, sums, (x, s) => (x, wrtConcentration1
            ? (1 - x) / s * GammaDrawDerivative(a, x * s)
            : -x / s * GammaDrawDerivative(b, (1 - x) * s)));
    }

    /// <summary>
    /// StudentT(ν, loc, scale) drawn as x = loc + scale·Z·c, c = √(ν/V), V = 2G, G ~ Gamma(ν/2)
    /// independent of Z ~ N(0, 1): G moves with ν at ½·∂G/∂α, so ∂x/∂ν = scale·Z·(c/2)·(1/ν − (∂G/∂α)/(2G)).
    /// </summary>
    public static PathwiseGradientLaw StudentTDf(double df, double loc, double scale, int cells = 400)
    {
        var zs = Quantiles(u => MathNetNormal.InvCDF(0, 1, u), cells);
        var gammas = Quantiles(u => MathNetGamma.InvCDF(df / 2, 1, u), cells);
        return Grid(zs, gammas, (z, g) =>
        {
            double c = Math.Sqrt(df / (2 * g));
            return (loc + (scale * z * c), scale * z * c / 2 * ((1 / df) - (GammaDrawDerivative(df / 2, g) / (2 * g))));
        });
    }

    /// <summary>
    /// The ceiling on the standard error of the mean of <paramref name="n"/> independent gradients
    /// f′(x)·∂x/∂θ. The grids use 400 cells a side: doubling them moves the variance by under 0.3% and
    /// the kurtosis by under 3% (the rule misses a little of the tails, so both grow toward their
    /// limits, and by less at each doubling), so the ceiling takes the variance 2% and the kurtosis
    /// 10% above the grid's.
    /// </summary>
    public double StandardErrorCeiling(Func<double, double> fPrime, int n)
    {
        var (_, variance, kurtosis) = Moments(fPrime);
        return Ppl.Testing.StandardErrorCeiling.OfMean(1.02 * variance, n, 1.1 * kurtosis);
    }

    /// <summary>Mean, variance and kurtosis of f′(x)·∂x/∂θ.</summary>
    public (double Mean, double Variance, double Kurtosis) Moments(Func<double, double> fPrime)
    {
        var values = _draws.Select((x, i) => fPrime(x) * _derivatives[i]).ToArray();
        double mean = values.Average();
        double variance = values.Average(v => (v - mean) * (v - mean));
        double fourth = values.Average(v => Math.Pow(v - mean, 4));
        return (mean, variance, fourth / (variance * variance));
    }

    /// <summary>∂g/∂α at a Gamma(α, 1) draw g: −(∂F/∂α)/p(g), ∂F/∂α by central differences of the lower or, past the median, upper regularized gamma (no cancellation near 1).</summary>
    public static double GammaDrawDerivative(double shape, double g)
    {
        double h = 1e-6 * shape;
        bool upper = SpecialFunctions.GammaLowerRegularized(shape, g) > 0.5;
        Func<double, double> cdf = upper ? a => -SpecialFunctions.GammaUpperRegularized(a, g) : a => SpecialFunctions.GammaLowerRegularized(a, g);
        double dF = (cdf(shape + h) - cdf(shape - h)) / (2 * h);
        return -dF / MathNetGamma.PDF(shape, 1, g);
    }

    /// <summary>The quantiles at the midpoints of <paramref name="cells"/> equal cells of (0, 1).</summary>
    private static double[] Quantiles(Func<double, double> inverseCdf, int cells) =>
        [.. Enumerable.Range(0, cells).Select(i => inverseCdf((i + 0.5) / cells))];

    private static PathwiseGradientLaw Grid(double[] first, double[] second, Func<double, double, (double Draw, double Derivative)> at)
    {
        var draws = new double[first.Length * second.Length];
        var derivatives = new double[draws.Length];
        for (int i = 0; i < first.Length; i++)
        {
            for (int j = 0; j < second.Length; j++)
            {
                (draws[(i * second.Length) + j], derivatives[(i * second.Length) + j]) = at(first[i], second[j]);
            }
        }

        return new PathwiseGradientLaw(draws, derivatives);
    }
}
