using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetInverseGamma = MathNet.Numerics.Distributions.InverseGamma;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class InverseGammaTests
{
    [Fact]
    public void LogProbMatchesMathNetOnAGrid()
    {
        using var scope = NewDisposeScope();
        double[] xs = [0.05, 0.3, 1.0, 2.2, 40.0];
        foreach (double shape in new[] { 0.4, 1.0, 3.0, 25.0 })
        {
            foreach (double rate in new[] { 0.2, 1.0, 5.0 })
            {
                var lp = new InverseGamma(tensor(shape, dtype: float64), tensor(rate, dtype: float64)).LogProb(tensor(xs, dtype: float64));
                for (int i = 0; i < xs.Length; i++)
                {
                    // MathNet's InverseGamma(shape, scale): its scale is the rate of the gamma being inverted
                    double expected = MathNetInverseGamma.PDFLn(shape, rate, xs[i]);
                    Assert.Equal(expected, lp[i].item<double>(), (Math.Abs(expected) * 1e-10) + 1e-10);
                }
            }
        }
    }

    [Theory]
    [InlineData(0.5, 1.0, 1)]
    [InlineData(3.0, 2.0, 2)]
    [InlineData(40.0, 10.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double shape, double rate, int seed)
    {
        using var scope = NewDisposeScope();
        var x = new InverseGamma(tensor(shape, dtype: float64), tensor(rate, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x.data<double>().ToArray(), v => MathNetInverseGamma.CDF(shape, rate, v)), $"InverseGamma({shape}, {rate})");
    }

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        foreach ((double shape, double rate) in new[] { (2.5, 0.5), (7.0, 3.0) })
        {
            var d = new InverseGamma(tensor(shape, dtype: float64), tensor(rate, dtype: float64));
            var m = new MathNetInverseGamma(shape, rate);
            Assert.Equal(m.Mean, d.Mean.item<double>(), 12);
            Assert.Equal(m.Variance, d.Variance.item<double>(), 10);
            Assert.Equal(m.Entropy, d.Entropy().item<double>(), 10);
        }
    }

    [Fact]
    public void MomentsThatDivergeAreInfinite()
    {
        using var scope = NewDisposeScope();
        var d = new InverseGamma(tensor(new[] { 0.5, 1.0, 1.5, 2.0 }, dtype: float64), 1.0);
        Assert.Equal([double.PositiveInfinity, double.PositiveInfinity, 2.0, 1.0], d.Mean.data<double>().ToArray());
        Assert.True(d.Variance.isposinf().all().item<bool>());
    }

    [Fact]
    public void RSampleGradientIsTheImplicitDerivativeOfTheCdf()
    {
        using var scope = NewDisposeScope();
        double[] shapes = [0.6, 1.0, 3.0, 9.0];
        double[] rates = [0.5, 2.0, 1.0, 4.0];
        var conc = tensor(shapes, dtype: float64).repeat(6).requires_grad_();
        var rate = tensor(rates, dtype: float64).repeat(6).requires_grad_();
        var x = new InverseGamma(conc, rate).RSample(new Generator(31, CPU));
        x.sum().backward();
        double[] xs = x.detach().data<double>().ToArray();
        double[] gc = conc.grad!.data<double>().ToArray();
        double[] gr = rate.grad!.data<double>().ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double a = shapes[i % 4], b = rates[i % 4];
            double wrtShape = GammaFamilyGradients.Implicit((s, v) => MathNetInverseGamma.CDF(s, b, v), a, xs[i]);
            double wrtRate = GammaFamilyGradients.Implicit((r, v) => MathNetInverseGamma.CDF(a, r, v), b, xs[i]);
            Assert.True(Math.Abs(gc[i] - wrtShape) <= (1e-3 * Math.Abs(wrtShape)) + 1e-9, $"d x/d concentration at InverseGamma({a}, {b}), x = {xs[i]}: {gc[i]} vs {wrtShape}");
            Assert.True(Math.Abs(gr[i] - wrtRate) <= (1e-6 * Math.Abs(wrtRate)) + 1e-9, $"d x/d rate at InverseGamma({a}, {b}), x = {xs[i]}: {gr[i]} vs {wrtRate}");
        }
    }

    [Fact]
    public void NonPositiveParametersThrowNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new InverseGamma(tensor(new[] { 1.0, -2.5 }), 1.0));
        Assert.Contains("InverseGamma", e.Message, StringComparison.Ordinal);
        Assert.Contains("'concentration'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-2.5", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new InverseGamma(1.0, -3.0));
        Assert.Contains("'rate'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroIsOutsideTheSupport()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new InverseGamma(2.0, 1.0).LogProb(tensor(0.0)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }
}
