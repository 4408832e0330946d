using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// Reference derivatives for samplers that differentiate through an implicit function. A draw
/// x = F⁻¹(u; θ) moves with θ at dx/dθ = −(∂F/∂θ)/(∂F/∂x); both partials come here from central
/// finite differences of an independent CDF (MathNet), never from the code under test.
/// </summary>
internal static class GammaFamilyGradients
{
    /// <summary>−(∂F/∂θ)/(∂F/∂x) at (θ, x) for <paramref name="cdf"/>(θ, x).</summary>
    public static double Implicit(Func<double, double, double> cdf, double theta, double x)
    {
        double h = 1e-5 * Math.Max(Math.Abs(theta), 1e-3);
        double k = 1e-5 * Math.Max(Math.Abs(x), 1e-3);
        double dTheta = (cdf(theta + h, x) - cdf(theta - h, x)) / (2 * h);
        double dX = (cdf(theta, x + k) - cdf(theta, x - k)) / (2 * k);
        return -dTheta / dX;
    }

    /// <summary>
    /// d/dθ E[f(x)] = −∫ f′(x) ∂F/∂θ(x) dx (integration by parts of the density's θ-derivative),
    /// by Simpson's rule on [<paramref name="lo"/>, <paramref name="hi"/>] with ∂F/∂θ from finite differences.
    /// </summary>
    public static double ExpectationDerivative(Func<double, double, double> cdf, double theta, Func<double, double> fPrime, double lo, double hi)
    {
        const int n = 4000;
        double h = 1e-5 * Math.Max(Math.Abs(theta), 1e-3);
        double step = (hi - lo) / n;
        double sum = 0;
        for (int i = 0; i <= n; i++)
        {
            double x = lo + (i * step);
            double w = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
            double dTheta = (cdf(theta + h, x) - cdf(theta - h, x)) / (2 * h);
            sum += w * fPrime(x) * dTheta;
        }

        return -sum * step / 3;
    }

    /// <summary>
    /// Checks the pathwise estimate mean(f′(xᵢ)·dxᵢ/dθᵢ) against <paramref name="expected"/> within
    /// five standard errors, where <paramref name="x"/> are draws and <paramref name="grad"/> the
    /// per-draw gradients (each draw has its own copy of θ), after bounding the standard error by
    /// the ceiling from <paramref name="law"/>, the law of one draw's gradient. The law's own mean
    /// must agree with <paramref name="expected"/> (a check on the quadrature) to a thousandth of
    /// the per-draw sd, far below the standard error the test resolves.
    /// </summary>
    public static void AssertPathwiseMatches(Tensor x, Tensor grad, Func<double, double> fPrime, double expected, string what, PathwiseGradientLaw law)
    {
        double[] xs = x.detach().data<double>().ToArray();
        double[] gs = grad.data<double>().ToArray();
        double[] terms = [.. xs.Zip(gs, (a, g) => fPrime(a) * g)];
        double mean = terms.Average();
        double sd = Math.Sqrt(terms.Sum(t => (t - mean) * (t - mean)) / (terms.Length - 1));
        double se = sd / Math.Sqrt(terms.Length);
        var (lawMean, lawVariance, _) = law.Moments(fPrime);
        Assert.True(Math.Abs(lawMean - expected) <= 1e-3 * Math.Sqrt(lawVariance), $"{what}: the quadrature's mean {lawMean:G6} is not the expected {expected:G6}");
        StandardErrorCeiling.Check(se, law.StandardErrorCeiling(fPrime, terms.Length), what);
        Assert.True(Math.Abs(mean - expected) <= 5 * se + 1e-12, $"{what}: pathwise {mean:G6} vs implicit {expected:G6} (standard error {se:G3})");
    }
}
