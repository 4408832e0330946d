using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>Gumbel(μ, β) has CDF exp(−exp(−z)), z = (x − μ)/β; the references below derive from it alone.</summary>
[Collection("Sequential")]
public sealed class GumbelTests
{
    private static IEnumerable<double[]> Grid =>
        from loc in new[] { -3.0, 0.0, 2.5 }
        from scale in new[] { 0.1, 1.0, 7.0 }
        select new[] { loc, scale };

    private static double Cdf(double loc, double scale, double x) => Math.Exp(-Math.Exp(-(x - loc) / scale));

    // dF/dx = F(x)·exp(−z)/β
    private static double Pdf(double loc, double scale, double x) => Cdf(loc, scale, x) * Math.Exp(-(x - loc) / scale) / scale;

    [Fact]
    public void LogProbMatchesTheDerivativeOfTheCdfOnAGrid() =>
        AssertLogProbMatches(
            Grid,
            p => new Gumbel(p[0], p[1]),
            p => [p[0] - p[1], p[0], p[0] + (0.3 * p[1]), p[0] + (4 * p[1]), p[0] + (20 * p[1])],
            (p, x) => Math.Log(Pdf(p[0], p[1], x)));

    [Theory]
    [InlineData(0.0, 1.0, 1)]
    [InlineData(-4.0, 0.01, 2)]
    [InlineData(10.0, 30.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double loc, double scale, int seed) =>
        AssertSamplesFit(() => new Gumbel(tensor(loc, dtype: float64), tensor(scale, dtype: float64)), seed, x => Cdf(loc, scale, x));

    [Fact]
    public void MomentsAndEntropyMatchQuadratureOfTheDensity()
    {
        using var scope = NewDisposeScope();
        const double Loc = 1.5, Scale = 2.5;
        var d = new Gumbel(tensor(Loc, dtype: float64), tensor(Scale, dtype: float64));
        double a = Loc - (10 * Scale), b = Loc + (60 * Scale);
        double mean = Expect(x => Pdf(Loc, Scale, x), x => x, a, b);
        double variance = Expect(x => Pdf(Loc, Scale, x), x => (x - mean) * (x - mean), a, b);
        double entropy = Expect(x => Pdf(Loc, Scale, x), x => -Math.Log(Pdf(Loc, Scale, x)), a, b);
        AssertClose(mean, d.Mean, "mean");
        AssertClose(variance, d.Variance, "variance");
        AssertClose(entropy, d.Entropy(), "entropy");
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([0.7, 1.3], p => new Gumbel(p[0], p[1]), (p, x) => Cdf(p[0], p[1], x));

    [Fact]
    public void NonPositiveScaleThrowsNamingFamilyParameterAndValue() =>
        AssertBadParameter(() => new Gumbel(zeros(3, dtype: float64), tensor(new[] { 1.0, -0.5, 2.0 })), "Gumbel", "scale", "-0.5");

    [Fact]
    public void NaNValueIsOutsideTheSupport() => AssertOutsideSupport(() => new Gumbel(0.0, 1.0), double.NaN);
}
