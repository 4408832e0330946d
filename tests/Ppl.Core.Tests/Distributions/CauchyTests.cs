using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetCauchy = MathNet.Numerics.Distributions.Cauchy;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class CauchyTests
{
    private static IEnumerable<double[]> Grid =>
        from loc in new[] { -3.0, 0.0, 2.5 }
        from scale in new[] { 0.1, 1.0, 7.0 }
        select new[] { loc, scale };

    [Fact]
    public void LogProbMatchesMathNetOnAGrid() =>
        AssertLogProbMatches(Grid, p => new Cauchy(p[0], p[1]), _ => [-100, -1, 0, 0.3, 4, 1e4], (p, x) => MathNetCauchy.PDFLn(p[0], p[1], x));

    [Theory]
    [InlineData(0.0, 1.0, 1)]
    [InlineData(-4.0, 0.01, 2)]
    [InlineData(10.0, 30.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double loc, double scale, int seed) =>
        AssertSamplesFit(() => new Cauchy(tensor(loc, dtype: float64), tensor(scale, dtype: float64)), seed, x => MathNetCauchy.CDF(loc, scale, x));

    [Fact]
    public void EntropyMatchesMathNetAndMomentsAreUndefined()
    {
        using var scope = NewDisposeScope();
        var d = new Cauchy(tensor(1.5, dtype: float64), tensor(2.5, dtype: float64));
        AssertClose(new MathNetCauchy(1.5, 2.5).Entropy, d.Entropy(), "entropy");
        Assert.Contains("undefined", Assert.Throws<NotSupportedException>(() => d.Mean).Message, StringComparison.Ordinal);
        Assert.Contains("undefined", Assert.Throws<NotSupportedException>(() => d.Variance).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([0.7, 1.3], p => new Cauchy(p[0], p[1]), (p, x) => MathNetCauchy.CDF(p[0], p[1], x));

    [Fact]
    public void NonPositiveScaleThrowsNamingFamilyParameterAndValue() =>
        AssertBadParameter(() => new Cauchy(zeros(3, dtype: float64), tensor(new[] { 1.0, -0.5, 2.0 })), "Cauchy", "scale", "-0.5");

    [Fact]
    public void NaNValueIsOutsideTheSupport() => AssertOutsideSupport(() => new Cauchy(0.0, 1.0), double.NaN);
}
