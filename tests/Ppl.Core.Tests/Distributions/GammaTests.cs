using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetGamma = MathNet.Numerics.Distributions.Gamma;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class GammaTests
{
    [Fact]
    public void LogProbMatchesMathNetOnAGrid()
    {
        using var scope = NewDisposeScope();
        double[] xs = [1e-3, 0.2, 1.0, 3.7, 25.0];
        foreach (double shape in new[] { 0.3, 1.0, 2.5, 40.0 })
        {
            foreach (double rate in new[] { 0.1, 1.0, 6.0 })
            {
                var d = new Gamma(tensor(shape, dtype: float64), tensor(rate, dtype: float64));
                var lp = d.LogProb(tensor(xs, dtype: float64));
                for (int i = 0; i < xs.Length; i++)
                {
                    double expected = MathNetGamma.PDFLn(shape, rate, xs[i]);
                    Assert.Equal(expected, lp[i].item<double>(), (Math.Abs(expected) * 1e-10) + 1e-10);
                }
            }
        }
    }

    [Fact]
    public void LogProbAtZeroWithUnitConcentrationIsTheLogRate()
    {
        using var scope = NewDisposeScope();
        var lp = new Gamma(tensor(1.0, dtype: float64), tensor(3.0, dtype: float64)).LogProb(tensor(0.0, dtype: float64));
        Assert.Equal(Math.Log(3.0), lp.item<double>(), 12);
    }

    [Fact]
    public void LogProbBroadcastsValuesAgainstTheBatch()
    {
        using var scope = NewDisposeScope();
        var d = new Gamma(tensor(new[] { 0.5, 2.0, 4.0 }, dtype: float64), 2.0);
        var lp = d.LogProb(tensor(new[] { 0.5, 1.5 }, dtype: float64).reshape(2, 1));
        Assert.Equal([2, 3], lp.shape);
        Assert.Equal(MathNetGamma.PDFLn(4.0, 2.0, 1.5), lp[1, 2].item<double>(), 12);
    }

    [Theory]
    [InlineData(0.2, 1.0, 1)]
    [InlineData(1.0, 3.0, 2)]
    [InlineData(4.5, 0.5, 3)]
    [InlineData(150.0, 20.0, 4)]
    public void SamplesPassAKolmogorovSmirnovTest(double shape, double rate, int seed)
    {
        using var scope = NewDisposeScope();
        var x = new Gamma(tensor(shape, dtype: float64), tensor(rate, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x.data<double>().ToArray(), v => MathNetGamma.CDF(shape, rate, v)), $"Gamma({shape}, {rate})");
    }

    [Fact]
    public void TinyConcentrationDrawsStayPositiveWithFiniteLogProb()
    {
        using var scope = NewDisposeScope();
        var d = new Gamma(tensor(1e-3f), tensor(1.0f));
        var x = d.Sample(new Generator(4, CPU), 2000);
        Assert.True(x.gt(0).all().item<bool>());
        Assert.True(d.LogProb(x).isfinite().all().item<bool>());
    }

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        foreach ((double shape, double rate) in new[] { (0.4, 2.0), (3.5, 0.7) })
        {
            var d = new Gamma(tensor(shape, dtype: float64), tensor(rate, dtype: float64));
            var m = new MathNetGamma(shape, rate);
            Assert.Equal(m.Mean, d.Mean.item<double>(), 12);
            Assert.Equal(m.Variance, d.Variance.item<double>(), 12);
            Assert.Equal(m.Entropy, d.Entropy().item<double>(), 10);
        }
    }

    [Fact]
    public void RSampleGradientIsTheImplicitDerivativeOfTheCdf()
    {
        using var scope = NewDisposeScope();
        double[] shapes = [0.3, 0.8, 1.0, 2.5, 12.0];
        double[] rates = [0.5, 1.0, 2.0, 4.0, 0.7];
        var conc = tensor(shapes, dtype: float64).repeat(8).requires_grad_();
        var rate = tensor(rates, dtype: float64).repeat(8).requires_grad_();
        var x = new Gamma(conc, rate).RSample(new Generator(21, CPU));
        x.sum().backward();
        double[] xs = x.detach().data<double>().ToArray();
        double[] gc = conc.grad!.data<double>().ToArray();
        double[] gr = rate.grad!.data<double>().ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double a = shapes[i % 5], b = rates[i % 5];
            double wrtShape = GammaFamilyGradients.Implicit((s, v) => MathNetGamma.CDF(s, b, v), a, xs[i]);
            double wrtRate = GammaFamilyGradients.Implicit((r, v) => MathNetGamma.CDF(a, r, v), b, xs[i]);
            Assert.True(Math.Abs(gc[i] - wrtShape) <= (1e-3 * Math.Abs(wrtShape)) + 1e-9, $"d x/d concentration at Gamma({a}, {b}), x = {xs[i]}: {gc[i]} vs {wrtShape}");
            Assert.True(Math.Abs(gr[i] - wrtRate) <= (1e-6 * Math.Abs(wrtRate)) + 1e-9, $"d x/d rate at Gamma({a}, {b}), x = {xs[i]}: {gr[i]} vs {wrtRate}");
        }
    }

    [Fact]
    public void NonPositiveConcentrationThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Gamma(tensor(new[] { 1.0, -0.5, 2.0 }), 1.0));
        Assert.Contains("Gamma", e.Message, StringComparison.Ordinal);
        Assert.Contains("'concentration'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonPositiveRateThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Gamma(ones(3), tensor(new[] { 1.0f, 0.0f, 2.0f })));
        Assert.Contains("Gamma", e.Message, StringComparison.Ordinal);
        Assert.Contains("'rate'", e.Message, StringComparison.Ordinal);
        Assert.Contains("got 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeValueIsOutsideTheSupport()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Gamma(2.0, 1.0).LogProb(tensor(-0.1)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }
}
