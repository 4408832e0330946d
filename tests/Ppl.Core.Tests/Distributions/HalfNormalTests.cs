using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

/// <summary>HalfNormal(s) is |N(0, s²)|: density 2·φ, CDF 2·Φ − 1.</summary>
[Collection("Sequential")]
public sealed class HalfNormalTests
{
    private static double Pdf(double s, double x) => x < 0 ? 0 : 2 * MathNetNormal.PDF(0, s, x);

    private static double Cdf(double s, double x) => (2 * MathNetNormal.CDF(0, s, x)) - 1;

    [Fact]
    public void LogProbMatchesTwiceTheMathNetNormalDensity() =>
        AssertLogProbMatches(
            new[] { 0.1, 1.0, 7.0 }.Select(s => new[] { s }),
            p => new HalfNormal(p[0]),
            p => [0, 0.05, 1, 3, 5 * p[0]],
            (p, x) => Math.Log(Pdf(p[0], x)));

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(0.01, 2)]
    [InlineData(30.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double scale, int seed) =>
        AssertSamplesFit(() => new HalfNormal(tensor(scale, dtype: float64)), seed, x => Cdf(scale, x));

    [Fact]
    public void MomentsAndEntropyMatchQuadratureOfTheDensity()
    {
        using var scope = NewDisposeScope();
        const double S = 2.5;
        var d = new HalfNormal(tensor(S, dtype: float64));
        double mean = Expect(x => Pdf(S, x), x => x, 0, 40 * S);
        double second = Expect(x => Pdf(S, x), x => x * x, 0, 40 * S);
        double entropy = Expect(x => Pdf(S, x), x => -Math.Log(Pdf(S, x)), 0, 40 * S);
        AssertClose(mean, d.Mean, "mean");
        AssertClose(second - (mean * mean), d.Variance, "variance");
        AssertClose(entropy, d.Entropy(), "entropy");
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([1.3], p => new HalfNormal(p[0]), (p, x) => Cdf(p[0], x));

    [Fact]
    public void NonPositiveScaleThrowsNamingFamilyParameterAndValue() =>
        AssertBadParameter(() => new HalfNormal(tensor(new[] { 1.0, 0.0, 3.0 })), "HalfNormal", "scale", "got 0");

    [Fact]
    public void NegativeValueIsOutsideTheSupport() => AssertOutsideSupport(() => new HalfNormal(1.0), -0.5);

    [Fact]
    public void NegativeValueHasZeroDensityWithValidationOff()
    {
        using var scope = NewDisposeScope();
        Distribution.ValidationEnabled = false;
        try
        {
            var lp = new HalfNormal(tensor(1.0, dtype: float64)).LogProb(tensor(-0.5, dtype: float64));
            Assert.Equal(double.NegativeInfinity, lp.item<double>());
        }
        finally
        {
            Distribution.ValidationEnabled = true;
        }
    }
}
