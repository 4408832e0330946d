using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class NormalTests
{
    [Fact]
    public void LogProbMatchesMathNetOnAGrid()
    {
        using var scope = NewDisposeScope();
        foreach (double loc in new[] { -3.0, 0.0, 2.5 })
        {
            foreach (double sd in new[] { 0.1, 1.0, 7.0 })
            {
                double[] xs = [-10, -1, 0, 0.3, 4];
                var lp = new Normal(loc, sd).Expand(xs.Length).LogProb(tensor(xs, dtype: float32));
                for (int i = 0; i < xs.Length; i++)
                {
                    double expected = MathNetNormal.PDFLn(loc, sd, xs[i]);
                    Assert.Equal(expected, lp[i].item<float>(), Math.Abs(expected) * 1e-6 + 1e-5);
                }

                var lp64 = new Normal(tensor(loc, dtype: float64), tensor(sd, dtype: float64)).LogProb(tensor(xs, dtype: float64));
                for (int i = 0; i < xs.Length; i++)
                {
                    double expected = MathNetNormal.PDFLn(loc, sd, xs[i]);
                    Assert.Equal(expected, lp64[i].item<double>(), Math.Abs(expected) * 1e-12 + 1e-12);
                }
            }
        }
    }

    [Theory]
    [InlineData(0.0, 1.0, 1)]
    [InlineData(-4.0, 0.01, 2)]
    [InlineData(10.0, 30.0, 3)]
    public void SamplesPassAKolmogorovSmirnovTest(double loc, double sd, int seed)
    {
        using var scope = NewDisposeScope();
        var x = new Normal(tensor(loc, dtype: float64), tensor(sd, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x.data<double>().ToArray(), v => MathNetNormal.CDF(loc, sd, v)), $"Normal({loc}, {sd})");
    }

    [Fact]
    public void MomentsAndEntropyMatchMathNet()
    {
        using var scope = NewDisposeScope();
        var d = new Normal(tensor(1.5, dtype: float64), tensor(2.5, dtype: float64));
        var m = new MathNetNormal(1.5, 2.5);
        Assert.Equal(m.Mean, d.Mean.item<double>(), 12);
        Assert.Equal(m.Variance, d.Variance.item<double>(), 12);
        Assert.Equal(m.Entropy, d.Entropy().item<double>(), 12);
    }

    [Fact]
    public void RSampleGradientIsThePathwiseDerivative()
    {
        using var scope = NewDisposeScope();
        var loc = tensor(0.7, dtype: float64).requires_grad_();
        var sd = tensor(1.3, dtype: float64).requires_grad_();
        var x = new Normal(loc, sd).RSample(new Generator(9, CPU), 10);
        x.sum().backward();
        var eps = x.detach().sub(0.7).div(1.3);
        Assert.Equal(10.0, loc.grad!.item<double>(), 12);
        Assert.Equal(eps.sum().item<double>(), sd.grad!.item<double>(), 10);
    }

    [Fact]
    public void NegativeScaleThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Normal(zeros(2, 3), tensor(new[] { 1.0f, -0.5f, 2.0f })));
        Assert.Contains("Normal", e.Message, StringComparison.Ordinal);
        Assert.Contains("'scale'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaNValueIsOutsideTheSupport()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Normal(0.0, 1.0).LogProb(tensor(double.NaN)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidationCanBeSwitchedOff()
    {
        using var scope = NewDisposeScope();
        Distribution.ValidationEnabled = false;
        try
        {
            var d = new Normal(tensor(0.0), tensor(-1.0));
            Assert.True(d.LogProb(tensor(0.0)).isnan().item<bool>());
        }
        finally
        {
            Distribution.ValidationEnabled = true;
        }
    }
}
