using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetExponential = MathNet.Numerics.Distributions.Exponential;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class ExponentialTests
{
    [Fact]
    public void LogProbMatchesMathNetOnAGrid() =>
        AssertLogProbMatches(
            new[] { 0.01, 0.5, 1.0, 7.0 }.Select(r => new[] { r }),
            p => new Exponential(p[0]),
            _ => [0, 1e-3, 0.5, 2, 30],
            (p, x) => MathNetExponential.PDFLn(p[0], x));

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(0.01, 2)]
    [InlineData(30.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double rate, int seed) =>
        AssertSamplesFit(() => new Exponential(tensor(rate, dtype: float64)), seed, x => MathNetExponential.CDF(rate, x));

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        var d = new Exponential(tensor(2.5, dtype: float64));
        var m = new MathNetExponential(2.5);
        AssertClose(m.Mean, d.Mean, "mean");
        AssertClose(m.Variance, d.Variance, "variance");
        AssertClose(m.Entropy, d.Entropy(), "entropy");
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([1.3], p => new Exponential(p[0]), (p, x) => MathNetExponential.CDF(p[0], x));

    [Fact]
    public void NonPositiveRateThrowsNamingFamilyParameterAndValue() =>
        AssertBadParameter(() => new Exponential(tensor(new[] { 1.0, -0.5, 2.0 })), "Exponential", "rate", "-0.5");

    [Fact]
    public void NegativeValueIsOutsideTheSupport() => AssertOutsideSupport(() => new Exponential(1.0), -0.5);
}
