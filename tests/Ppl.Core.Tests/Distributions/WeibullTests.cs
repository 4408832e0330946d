using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetWeibull = MathNet.Numerics.Distributions.Weibull;

namespace Ppl.Tests.Distributions;

/// <summary>Ppl's Weibull takes (scale, concentration) as PyTorch does; MathNet takes (shape, scale).</summary>
[Collection("Sequential")]
public sealed class WeibullTests
{
    private static IEnumerable<double[]> Grid =>
        from scale in new[] { 0.5, 1.0, 3.0 }
        from k in new[] { 0.5, 1.0, 2.5, 7.0 }
        select new[] { scale, k };

    [Fact]
    public void LogProbMatchesMathNetOnAGrid() =>
        AssertLogProbMatches(Grid, p => new Weibull(p[0], p[1]), _ => [0.01, 0.5, 1, 2, 5], (p, x) => MathNetWeibull.PDFLn(p[1], p[0], x));

    [Theory]
    [InlineData(1.0, 1.0, 1)]
    [InlineData(0.01, 0.4, 2)]
    [InlineData(30.0, 6.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double scale, double k, int seed) =>
        AssertSamplesFit(() => new Weibull(tensor(scale, dtype: float64), tensor(k, dtype: float64)), seed, x => MathNetWeibull.CDF(k, scale, x));

    [Theory]
    [InlineData(2.5, 0.7)]
    [InlineData(1.5, 3.0)]
    public void MomentsAndEntropyMatchMathNet(double scale, double k)
    {
        using var scope = NewDisposeScope();
        var d = new Weibull(tensor(scale, dtype: float64), tensor(k, dtype: float64));
        var m = new MathNetWeibull(k, scale);
        AssertClose(m.Mean, d.Mean, "mean");
        AssertClose(m.Variance, d.Variance, "variance");
        AssertClose(m.Entropy, d.Entropy(), "entropy");
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([1.3, 1.7], p => new Weibull(p[0], p[1]), (p, x) => MathNetWeibull.CDF(p[1], p[0], x));

    [Fact]
    public void NonPositiveParametersThrowNamingFamilyParameterAndValue()
    {
        AssertBadParameter(() => new Weibull(tensor(new[] { 1.0, -0.5, 2.0 }), tensor(1.0)), "Weibull", "scale", "-0.5");
        AssertBadParameter(() => new Weibull(tensor(1.0), tensor(new[] { 1.0, 2.0, -3.5 })), "Weibull", "concentration", "-3.5");
    }

    [Fact]
    public void NonPositiveValueIsOutsideTheSupport()
    {
        AssertOutsideSupport(() => new Weibull(1.0, 2.0), 0.0);
        AssertOutsideSupport(() => new Weibull(1.0, 2.0), -1.0);
    }
}
