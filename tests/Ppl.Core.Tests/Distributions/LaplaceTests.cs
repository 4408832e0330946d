using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetLaplace = MathNet.Numerics.Distributions.Laplace;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class LaplaceTests
{
    private static IEnumerable<double[]> Grid =>
        from loc in new[] { -3.0, 0.0, 2.5 }
        from scale in new[] { 0.1, 1.0, 7.0 }
        select new[] { loc, scale };

    [Fact]
    public void LogProbMatchesMathNetOnAGrid() =>
        AssertLogProbMatches(Grid, p => new Laplace(p[0], p[1]), p => [-10, -1, 0, p[0], 0.3, 4], (p, x) => MathNetLaplace.PDFLn(p[0], p[1], x));

    [Theory]
    [InlineData(0.0, 1.0, 1)]
    [InlineData(-4.0, 0.01, 2)]
    [InlineData(10.0, 30.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double loc, double scale, int seed) =>
        AssertSamplesFit(() => new Laplace(tensor(loc, dtype: float64), tensor(scale, dtype: float64)), seed, x => MathNetLaplace.CDF(loc, scale, x));

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        var d = new Laplace(tensor(1.5, dtype: float64), tensor(2.5, dtype: float64));
        var m = new MathNetLaplace(1.5, 2.5);
        AssertClose(m.Mean, d.Mean, "mean");
        AssertClose(m.Variance, d.Variance, "variance");
        AssertClose(m.Entropy, d.Entropy(), "entropy");
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([0.7, 1.3], p => new Laplace(p[0], p[1]), (p, x) => MathNetLaplace.CDF(p[0], p[1], x));

    [Fact]
    public void NonPositiveScaleThrowsNamingFamilyParameterAndValue() =>
        AssertBadParameter(() => new Laplace(zeros(3, dtype: float64), tensor(new[] { 1.0, -0.5, 2.0 })), "Laplace", "scale", "-0.5");

    [Fact]
    public void NaNValueIsOutsideTheSupport() => AssertOutsideSupport(() => new Laplace(0.0, 1.0), double.NaN);
}
