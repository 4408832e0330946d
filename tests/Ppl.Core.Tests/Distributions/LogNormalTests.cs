using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetLogNormal = MathNet.Numerics.Distributions.LogNormal;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class LogNormalTests
{
    private static IEnumerable<double[]> Grid =>
        from loc in new[] { -2.0, 0.0, 1.5 }
        from scale in new[] { 0.1, 1.0, 3.0 }
        select new[] { loc, scale };

    [Fact]
    public void LogProbMatchesMathNetOnAGrid() =>
        AssertLogProbMatches(Grid, p => new LogNormal(p[0], p[1]), _ => [1e-3, 0.2, 1, 3, 40], (p, x) => MathNetLogNormal.PDFLn(p[0], p[1], x));

    [Theory]
    [InlineData(0.0, 1.0, 1)]
    [InlineData(-4.0, 0.01, 2)]
    [InlineData(2.0, 2.5, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double loc, double scale, int seed) =>
        AssertSamplesFit(() => new LogNormal(tensor(loc, dtype: float64), tensor(scale, dtype: float64)), seed, x => MathNetLogNormal.CDF(loc, scale, x));

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        var d = new LogNormal(tensor(0.4, dtype: float64), tensor(0.8, dtype: float64));
        var m = new MathNetLogNormal(0.4, 0.8);
        AssertClose(m.Mean, d.Mean, "mean");
        AssertClose(m.Variance, d.Variance, "variance");
        AssertClose(m.Entropy, d.Entropy(), "entropy");
        Assert.Equal(0.4, d.Loc.item<double>());
        Assert.Equal(0.8, d.Scale.item<double>());
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([0.3, 0.6], p => new LogNormal(p[0], p[1]), (p, x) => MathNetLogNormal.CDF(p[0], p[1], x));

    [Fact]
    public void NonPositiveScaleThrowsNamingFamilyParameterAndValue() =>
        AssertBadParameter(() => new LogNormal(zeros(3, dtype: float64), tensor(new[] { 1.0, -0.5, 2.0 })), "LogNormal", "scale", "-0.5");

    [Fact]
    public void NonPositiveValueIsOutsideTheSupport()
    {
        AssertOutsideSupport(() => new LogNormal(0.0, 1.0), 0.0);
        AssertOutsideSupport(() => new LogNormal(0.0, 1.0), -1.0);
    }
}
