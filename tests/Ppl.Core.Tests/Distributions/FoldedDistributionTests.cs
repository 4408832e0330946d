using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetCauchy = MathNet.Numerics.Distributions.Cauchy;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

/// <summary>
/// FoldedDistribution(base) is the law of |X|: density p(y) + p(−y), CDF F(y) − F(−y), checked
/// against MathNet's normal and Cauchy (Pyro's FoldedNormal fixture, tests/distributions/conftest.py).
/// </summary>
[Collection("Sequential")]
public sealed class FoldedDistributionTests
{
    private static double NormalPdf(double loc, double scale, double y) => MathNetNormal.PDF(loc, scale, y) + MathNetNormal.PDF(loc, scale, -y);

    private static double NormalCdf(double loc, double scale, double y) => MathNetNormal.CDF(loc, scale, y) - MathNetNormal.CDF(loc, scale, -y);

    // ports pyro tests/distributions/conftest.py FoldedNormal examples (loc 2, scale 4; loc 50, scale 100) and more
    [Fact]
    public void LogProbOfAFoldedNormalIsTheLogOfTheDensitySummedOverBothSigns() =>
        AssertLogProbMatches(
            [[2.0, 4.0], [50.0, 100.0], [0.0, 1.0], [-3.0, 0.5]],
            p => new FoldedDistribution(new Normal(p[0], p[1])),
            p => [1e-3, 0.5, 2.0, 50.0, Math.Abs(p[0]) + (3 * p[1])],
            (p, y) => Math.Log(NormalPdf(p[0], p[1], y)));

    [Fact]
    public void LogProbOfAFoldedCauchyMatchesMathNet() =>
        AssertLogProbMatches(
            [[1.0, 2.0]],
            p => new FoldedDistribution(new Cauchy(p[0], p[1])),
            p => [0.1, 1.0, 10.0],
            (p, y) => Math.Log(MathNetCauchy.PDF(p[0], p[1], y) + MathNetCauchy.PDF(p[0], p[1], -y)));

    [Fact]
    public void DensityIntegratesToOneOnThePositiveHalfLine()
    {
        using var scope = NewDisposeScope();
        var d = new FoldedDistribution(new Normal(tensor(1.5, dtype: float64), tensor(2.0, dtype: float64)));
        double total = MathNet.Numerics.Integrate.DoubleExponential(y => Math.Exp(d.LogProb(tensor(y, dtype: float64)).item<double>()), 1e-12, 40, 1e-10);
        Assert.True(Math.Abs(total - 1) < 1e-8, $"integral {total:R}");
    }

    [Theory]
    [InlineData(2.0, 4.0, 1)]
    [InlineData(-1.0, 0.3, 2)]
    public void SamplesPassAKolmogorovSmirnovTestAgainstTheFoldedCdf(double loc, double scale, int seed) =>
        AssertSamplesFit(() => new FoldedDistribution(new Normal(tensor(loc, dtype: float64), tensor(scale, dtype: float64))), seed, y => NormalCdf(loc, scale, y));

    /// <summary>
    /// Folding is not invertible, so draws are |base draw| (as in Pyro) rather than inverse-CDF
    /// draws; their pathwise gradient is unbiased: the mean of ∂|x|²/∂θ over N draws estimates
    /// ∂E|X|²/∂θ = ∂(μ² + σ²)/∂θ within 5 standard errors (per draw 2x·∂x/∂μ = 2x has variance
    /// 4σ², and 2x·ε has variance 4μ² + 8σ²).
    /// </summary>
    [Fact]
    public void RSampleGradientIsAnUnbiasedGradientOfTheSecondMoment()
    {
        using var scope = NewDisposeScope();
        const double Mu = 0.7, Sigma = 1.3;
        const int N = 200_000;
        var mu = tensor(Mu, dtype: float64).requires_grad_();
        var sigma = tensor(Sigma, dtype: float64).requires_grad_();
        var d = new FoldedDistribution(new Normal(mu, sigma));
        var y = d.RSample(new Generator(3, CPU), N);
        Assert.True(y.ge(0).all().item<bool>());
        y.square().mean().backward();
        double seMu = 2 * Sigma / Math.Sqrt(N);
        double seSigma = Math.Sqrt((4 * Mu * Mu) + (8 * Sigma * Sigma)) / Math.Sqrt(N);
        double gMu = mu.grad!.item<double>();
        double gSigma = sigma.grad!.item<double>();
        Assert.True(Math.Abs(gMu - (2 * Mu)) < 5 * seMu, $"d/dmu: {gMu:R}, expected {2 * Mu} ± {5 * seMu:G3}");
        Assert.True(Math.Abs(gSigma - (2 * Sigma)) < 5 * seSigma, $"d/dsigma: {gSigma:R}, expected {2 * Sigma} ± {5 * seSigma:G3}");
    }

    [Fact]
    public void ShapesFollowTheBaseAndExpandKeepsTheFamily()
    {
        using var scope = NewDisposeScope();
        var d = new FoldedDistribution(new Normal(zeros(3), ones(3)));
        Assert.Equal([3L], d.BatchShape);
        Assert.Empty(d.EventShape);
        var e = d.Expand(2, 3);
        Assert.IsType<FoldedDistribution>(e);
        Assert.Equal([5L, 2L, 3L], e.Sample(5).shape);
        Assert.True(e.Sample(5).ge(0).all().item<bool>());
        Assert.Equal([2L, 3L], e.LogProb(ones(3)).shape);
    }

    [Fact]
    public void AMultivariateBaseIsRejectedAsInPyro()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new FoldedDistribution(new Normal(zeros(2), ones(2)).ToEvent(1)));
        Assert.Contains("univariate", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeValueIsOutsideTheSupport() => AssertOutsideSupport(() => new FoldedDistribution(new Normal(0.0, 1.0)), -0.5);
}
