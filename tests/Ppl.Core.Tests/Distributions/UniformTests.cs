using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetUniform = MathNet.Numerics.Distributions.ContinuousUniform;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class UniformTests
{
    private static IEnumerable<double[]> Grid =>
        from low in new[] { -3.0, 0.0, 2.5 }
        from width in new[] { 0.1, 1.0, 7.0 }
        select new[] { low, low + width };

    [Fact]
    public void LogProbMatchesMathNetOnAGrid() =>
        AssertLogProbMatches(
            Grid,
            p => new Uniform(p[0], p[1]),
            p => [p[0], p[0] + (0.3 * (p[1] - p[0])), (p[0] + p[1]) / 2, p[1] - (1e-3 * (p[1] - p[0]))],
            (p, x) => MathNetUniform.PDFLn(p[0], p[1], x));

    [Theory]
    [InlineData(0.0, 1.0, 1)]
    [InlineData(-4.0, -3.99, 2)]
    [InlineData(10.0, 40.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double low, double high, int seed) =>
        AssertSamplesFit(() => new Uniform(tensor(low, dtype: float64), tensor(high, dtype: float64)), seed, x => MathNetUniform.CDF(low, high, x));

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        var d = new Uniform(tensor(-1.5, dtype: float64), tensor(2.5, dtype: float64));
        var m = new MathNetUniform(-1.5, 2.5);
        AssertClose(m.Mean, d.Mean, "mean");
        AssertClose(m.Variance, d.Variance, "variance");
        AssertClose(m.Entropy, d.Entropy(), "entropy");
    }

    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf() =>
        AssertRSampleGradientMatchesCdf([-0.7, 1.3], p => new Uniform(p[0], p[1]), (p, x) => MathNetUniform.CDF(p[0], p[1], x));

    [Fact]
    public void LowNotBelowHighThrowsNamingFamilyParameterAndValue() =>
        AssertBadParameter(() => new Uniform(tensor(new[] { 0.0, 1.25, 2.0 }), tensor(new[] { 1.0, 0.5, 3.0 })), "Uniform", "low", "1.25");

    [Fact]
    public void ValuesOutsideTheHalfOpenIntervalAreOutsideTheSupport()
    {
        AssertOutsideSupport(() => new Uniform(0.0, 1.0), -0.1);
        AssertOutsideSupport(() => new Uniform(0.0, 1.0), 1.0);
        using var scope = NewDisposeScope();
        Assert.Equal(0.0, new Uniform(0.0, 1.0).LogProb(tensor(0.0)).item<float>());
    }

    [Fact]
    public void SupportUsesTheTensorBoundsOfTheBatch()
    {
        using var scope = NewDisposeScope();
        var d = new Uniform(tensor(new[] { 0.0, 10.0 }), tensor(new[] { 1.0, 11.0 }));
        Assert.True(d.Support.Check(tensor(new[] { 0.5, 10.5 })).all().item<bool>());
        Assert.False(d.Support.Check(tensor(new[] { 10.5, 0.5 })).any().item<bool>());
    }

    [Fact]
    public void ValuesOutsideHaveZeroDensityWithValidationOff()
    {
        using var scope = NewDisposeScope();
        Distribution.ValidationEnabled = false;
        try
        {
            var lp = new Uniform(tensor(0.0, dtype: float64), tensor(2.0, dtype: float64)).LogProb(tensor(new[] { -1.0, 1.0, 2.0 }));
            Assert.Equal([double.NegativeInfinity, -Math.Log(2), double.NegativeInfinity], lp.data<double>().ToArray());
        }
        finally
        {
            Distribution.ValidationEnabled = true;
        }
    }
}
