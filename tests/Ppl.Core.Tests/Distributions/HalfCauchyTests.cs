using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetCauchy = MathNet.Numerics.Distributions.Cauchy;

namespace Ppl.Tests.Distributions;

/// <summary>HalfCauchy(s) is |Cauchy(0, s)|: density 2·p, CDF 2·F − 1, quantile F⁻¹((1 + t)/2).</summary>
[Collection("Sequential")]
public sealed class HalfCauchyTests
{
    private static double Pdf(double s, double x) => 2 * MathNetCauchy.PDF(0, s, x);

    private static double Cdf(double s, double x) => (2 * MathNetCauchy.CDF(0, s, x)) - 1;

    [Fact]
    public void LogProbMatchesTwiceTheMathNetCauchyDensity() =>
        AssertLogProbMatches(
            new[] { 0.1, 1.0, 7.0 }.Select(s => new[] { s }),
            p => new HalfCauchy(p[0]),
            _ => [0, 0.1, 1, 3, 50, 1e4],
            (p, x) => Math.Log(Pdf(p[0], x)));

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(0.01, 2)]
    [InlineData(30.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double scale, int seed) =>
        AssertSamplesFit(() => new HalfCauchy(tensor(scale, dtype: float64)), seed, x => Cdf(scale, x));

    [Fact]
    public void EntropyMatchesTheQuantileIntegralAndMomentsAreUndefined()
    {
        using var scope = NewDisposeScope();
        const double S = 2.5;
        var d = new HalfCauchy(tensor(S, dtype: float64));

        // H = E[−log p(X)] = ∫₀¹ −log p(F⁻¹(t)) dt, which needs no integral over an infinite range
        double expected = MathNet.Numerics.Integrate.DoubleExponential(t => -Math.Log(Pdf(S, MathNetCauchy.InvCDF(0, S, (1 + t) / 2))), 0, 1, 1e-13);
        AssertClose(expected, d.Entropy(), "entropy", 1e-8);
        Assert.Contains("undefined", Assert.Throws<NotSupportedException>(() => d.Mean).Message, StringComparison.Ordinal);
        Assert.Contains("undefined", Assert.Throws<NotSupportedException>(() => d.Variance).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([1.3], p => new HalfCauchy(p[0]), (p, x) => Cdf(p[0], x));

    [Fact]
    public void NonPositiveScaleThrowsNamingFamilyParameterAndValue() =>
        AssertBadParameter(() => new HalfCauchy(tensor(new[] { 1.0, -2.5, 3.0 })), "HalfCauchy", "scale", "-2.5");

    [Fact]
    public void NegativeValueIsOutsideTheSupport() => AssertOutsideSupport(() => new HalfCauchy(1.0), -0.5);

    [Fact]
    public void NegativeValueHasZeroDensityWithValidationOff()
    {
        using var scope = NewDisposeScope();
        Distribution.ValidationEnabled = false;
        try
        {
            var lp = new HalfCauchy(tensor(1.0, dtype: float64)).LogProb(tensor(-0.5, dtype: float64));
            Assert.Equal(double.NegativeInfinity, lp.item<double>());
        }
        finally
        {
            Distribution.ValidationEnabled = true;
        }
    }
}
