using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetBeta = MathNet.Numerics.Distributions.Beta;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class BetaTests
{
    [Fact]
    public void LogProbMatchesMathNetOnAGrid()
    {
        using var scope = NewDisposeScope();
        double[] xs = [1e-4, 0.1, 0.5, 0.77, 0.999];
        foreach (double a in new[] { 0.3, 1.0, 2.5, 50.0 })
        {
            foreach (double b in new[] { 0.5, 1.0, 7.0 })
            {
                var lp = new Beta(tensor(a, dtype: float64), tensor(b, dtype: float64)).LogProb(tensor(xs, dtype: float64));
                for (int i = 0; i < xs.Length; i++)
                {
                    double expected = MathNetBeta.PDFLn(a, b, xs[i]);
                    Assert.Equal(expected, lp[i].item<double>(), (Math.Abs(expected) * 1e-10) + 1e-10);
                }
            }
        }
    }

    [Fact]
    public void LogProbAtTheEndpointsWithUnitConcentrationsIsFinite()
    {
        using var scope = NewDisposeScope();
        var lp = new Beta(tensor(1.0, dtype: float64), tensor(3.0, dtype: float64)).LogProb(tensor(new[] { 0.0, 1.0 }, dtype: float64));
        Assert.Equal(Math.Log(3.0), lp[0].item<double>(), 12); // density 3(1 − x)² at 0
        Assert.Equal(double.NegativeInfinity, lp[1].item<double>());
    }

    [Theory]
    [InlineData(0.1, 0.2, 1)]
    [InlineData(1.0, 1.0, 2)]
    [InlineData(2.5, 0.7, 3)]
    [InlineData(60.0, 30.0, 4)]
    public void SamplesPassAKolmogorovSmirnovTest(double a, double b, int seed)
    {
        using var scope = NewDisposeScope();
        var x = new Beta(tensor(a, dtype: float64), tensor(b, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x.data<double>().ToArray(), v => MathNetBeta.CDF(a, b, v)), $"Beta({a}, {b})");
    }

    [Fact]
    public void SmallConcentrationDrawsStayInsideWithFiniteLogProb()
    {
        using var scope = NewDisposeScope();
        var d = new Beta(tensor(0.01f), tensor(0.01f));
        var x = d.Sample(new Generator(5, CPU), 2000);
        Assert.True(x.gt(0).logical_and(x.lt(1)).all().item<bool>());
        Assert.True(d.LogProb(x).isfinite().all().item<bool>());
    }

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        foreach ((double a, double b) in new[] { (0.5, 0.5), (2.0, 5.0), (30.0, 1.5) })
        {
            var d = new Beta(tensor(a, dtype: float64), tensor(b, dtype: float64));
            var m = new MathNetBeta(a, b);
            Assert.Equal(m.Mean, d.Mean.item<double>(), 12);
            Assert.Equal(m.Variance, d.Variance.item<double>(), 12);
            Assert.Equal(m.Entropy, d.Entropy().item<double>(), 10);
        }
    }

    /// <summary>
    /// X/(X+Y) with two gamma draws is a valid reparameterization, but its gradient at a draw
    /// depends on X+Y as well as on x, so it equals the implicit derivative −(∂F/∂θ)/p(x) only in
    /// conditional expectation given x. The check is therefore on E[f′(x)·dx/dθ], which that
    /// conditional expectation determines, against −∫ f′(x) ∂F/∂θ(x) dx from MathNet's CDF, for
    /// localized f′ that probe the velocity field in several places.
    /// </summary>
    [Theory]
    [InlineData(2.0, 3.0, true, 51)]
    [InlineData(2.0, 3.0, false, 52)]
    [InlineData(0.5, 1.5, true, 53)]
    [InlineData(0.5, 1.5, false, 54)]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdfInExpectation(double a, double b, bool wrtConcentration1, int seed)
    {
        using var scope = NewDisposeScope();
        const int n = 20_000;
        var c1 = full(n, a, dtype: float64).requires_grad_();
        var c0 = full(n, b, dtype: float64).requires_grad_();
        var x = new Beta(c1, c0).RSample(new Generator((ulong)seed, CPU));
        x.sum().backward();
        var grad = wrtConcentration1 ? c1.grad! : c0.grad!;
        Func<double, double, double> cdf = wrtConcentration1 ? (t, v) => MathNetBeta.CDF(t, b, v) : (t, v) => MathNetBeta.CDF(a, t, v);
        double theta = wrtConcentration1 ? a : b;
        var law = PathwiseGradientLaw.Beta(a, b, wrtConcentration1);
        foreach (double centre in new[] { 0.15, 0.4, 0.7 })
        {
            double FPrime(double v) => Math.Exp(-0.5 * Math.Pow((v - centre) / 0.1, 2));
            double expected = GammaFamilyGradients.ExpectationDerivative(cdf, theta, FPrime, 0, 1);
            GammaFamilyGradients.AssertPathwiseMatches(x, grad, FPrime, expected, $"Beta({a}, {b}) d/d{(wrtConcentration1 ? "concentration1" : "concentration0")} around {centre}", law);
        }

        // f(x) = x: d/da E[x] = b/(a+b)², d/db E[x] = −a/(a+b)², in closed form
        double meanDerivative = wrtConcentration1 ? b / ((a + b) * (a + b)) : -a / ((a + b) * (a + b));
        GammaFamilyGradients.AssertPathwiseMatches(x, grad, _ => 1, meanDerivative, $"Beta({a}, {b}) d E[x]", law);
    }

    [Fact]
    public void NonPositiveConcentrationsThrowNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Beta(tensor(new[] { 1.0, -0.25 }), 1.0));
        Assert.Contains("Beta", e.Message, StringComparison.Ordinal);
        Assert.Contains("'concentration1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.25", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new Beta(1.0, -4.0));
        Assert.Contains("'concentration0'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesOutsideTheUnitIntervalAreOutsideTheSupport()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new Beta(2.0, 2.0).LogProb(tensor(1.5)));
        Assert.Throws<ArgumentException>(() => new Beta(2.0, 2.0).LogProb(tensor(-0.1)));
    }
}
