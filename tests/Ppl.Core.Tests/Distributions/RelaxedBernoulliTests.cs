using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class RelaxedBernoulliTests
{
    /// <summary>
    /// The binary Concrete CDF. X = σ((λ + L)/τ) with L standard logistic (CDF σ), so
    /// X ≤ x ⇔ L ≤ τ·logit(x) − λ and P(X ≤ x) = σ(τ·logit(x) − λ).
    /// </summary>
    internal static double Cdf(double temperature, double logits, double x) =>
        Sigmoid((temperature * Math.Log(x / (1 - x))) - logits);

    /// <summary>
    /// The binary Concrete density of Maddison et al. (2017), in their product form
    /// τ·α·x^(−τ−1)(1−x)^(−τ−1) / (α·x^(−τ) + (1−x)^(−τ))² with α = e^λ (the derivative of <see cref="Cdf"/>).
    /// </summary>
    internal static double Density(double temperature, double logits, double x)
    {
        double alpha = Math.Exp(logits);
        double denominator = (alpha * Math.Pow(x, -temperature)) + Math.Pow(1 - x, -temperature);
        return temperature * alpha * Math.Pow(x, -temperature - 1) * Math.Pow(1 - x, -temperature - 1) / (denominator * denominator);
    }

    private static double Sigmoid(double s) => 1 / (1 + Math.Exp(-s));

    [Fact]
    public void LogProbMatchesTheClosedFormDensity()
    {
        using var scope = NewDisposeScope();
        double[] xs = [1e-3, 0.1, 0.3, 0.5, 0.77, 0.999];
        foreach (double tau in new[] { 0.1, 0.5, 1.0, 3.0 })
        {
            foreach (double logits in new[] { -2.0, 0.0, 1.5 })
            {
                var lp = RelaxedBernoulli.FromLogits(tau, tensor(logits, dtype: float64)).LogProb(tensor(xs, dtype: float64));
                for (int i = 0; i < xs.Length; i++)
                {
                    double expected = Math.Log(Density(tau, logits, xs[i]));
                    Assert.Equal(expected, lp[i].item<double>(), (Math.Abs(expected) * 1e-10) + 1e-12);
                }
            }
        }
    }

    [Fact]
    public void ProbsAndLogitsParametrizationsAgree()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 0.05, 0.4, 0.9 }, dtype: float64);
        var a = RelaxedBernoulli.FromProbs(0.7, tensor(new[] { 0.2, 0.5, 0.8 }, dtype: float64)).LogProb(x);
        var b = RelaxedBernoulli.FromLogits(0.7, tensor(new[] { Math.Log(0.25), 0, Math.Log(4) }, dtype: float64)).LogProb(x);
        Assert.True(a.allclose(b, rtol: 1e-12, atol: 1e-12));
    }

    [Theory]
    [InlineData(0.5, -1.0, 1)]
    [InlineData(1.0, 0.5, 2)]
    [InlineData(2.5, 2.0, 3)]
    public void DrawsPassAKolmogorovSmirnovTest(double tau, double logits, int seed)
    {
        using var scope = NewDisposeScope();
        var x = RelaxedBernoulli.FromLogits(tau, tensor(logits, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x.data<double>().ToArray(), v => Cdf(tau, logits, v)), $"RelaxedBernoulli({tau}, {logits})");
    }

    [Fact]
    public void DrawsAboveOneHalfHaveTheBernoulliProbabilityAtAnyTemperature()
    {
        using var scope = NewDisposeScope();
        const int n = 20_000;
        foreach (double tau in new[] { 0.05, 5.0 })
        {
            var x = RelaxedBernoulli.FromProbs(tau, tensor(0.3, dtype: float64)).Sample(new Generator(7, CPU), n);
            double fraction = x.gt(0.5).to(float64).mean().item<double>();
            Assert.True(Math.Abs(fraction - 0.3) < 5 * Math.Sqrt(0.3 * 0.7 / n), $"τ = {tau}: P(X > ½) ≈ {fraction}");
        }
    }

    [Fact]
    public void RSampleGradientIsThePathwiseDerivative()
    {
        using var scope = NewDisposeScope();
        var tau = tensor(0.8, dtype: float64).requires_grad_();
        var logits = tensor(new[] { -0.5, 1.0 }, dtype: float64).requires_grad_();
        var x = RelaxedBernoulli.FromLogits(tau, logits).RSample(new Generator(8, CPU), 40);
        x.sum().backward();

        // x = σ(y), y = (λ + L)/τ: ∂x/∂λ = x(1 − x)/τ and ∂x/∂τ = −x(1 − x)·y/τ
        var v = x.detach();
        var slope = v.mul(v.neg().add(1));
        var y = v.log().sub(v.neg().log1p());
        Assert.True(logits.grad!.allclose(slope.sum(0L).div(0.8), rtol: 1e-10, atol: 1e-12));
        Assert.Equal(slope.mul(y).sum().neg().item<double>() / 0.8, tau.grad!.item<double>(), 1e-10);
    }

    [Fact]
    public void BadParametersThrowNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => RelaxedBernoulli.FromLogits(tensor(new[] { 1.0, -0.5 }), zeros(2)));
        Assert.Contains("RelaxedBernoulli", e.Message, StringComparison.Ordinal);
        Assert.Contains("'temperature'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.5", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => RelaxedBernoulli.FromProbs(1.0, tensor(new[] { 0.5, 1.25 })));
        Assert.Contains("'probs'", e.Message, StringComparison.Ordinal);
        Assert.Contains("1.25", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValueOutsideTheUnitIntervalThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => RelaxedBernoulli.FromLogits(1.0, zeros(1)).LogProb(tensor(new[] { 1.5f })));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }
}
