using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class RelaxedOneHotCategoricalTests
{
    private static readonly double[] Probs = [0.2, 0.3, 0.5];

    /// <summary>
    /// The Concrete density of Maddison et al. (2017) in its product form,
    /// (K − 1)!·τ^(K−1)·Π_k (π_k·x_k^(−τ−1)) / (Σ_i π_i·x_i^(−τ))^K.
    /// </summary>
    private static double Density(double tau, double[] probs, double[] x)
    {
        int k = x.Length;
        double factorial = Enumerable.Range(1, k - 1).Aggregate(1.0, (f, i) => f * i);
        double product = Enumerable.Range(0, k).Aggregate(1.0, (p, i) => p * probs[i] * Math.Pow(x[i], -tau - 1));
        double sum = Enumerable.Range(0, k).Sum(i => probs[i] * Math.Pow(x[i], -tau));
        return factorial * Math.Pow(tau, k - 1) * product / Math.Pow(sum, k);
    }

    [Fact]
    public void LogProbMatchesTheClosedFormDensity()
    {
        using var scope = NewDisposeScope();
        double[][] xs = [[1.0 / 3, 1.0 / 3, 1.0 / 3], [0.1, 0.2, 0.7], [0.98, 0.01, 0.01], [1e-3, 0.5, 0.499]];
        foreach (double tau in new[] { 0.2, 0.7, 1.0, 3.0 })
        {
            // unnormalized weights: the family normalizes them like the density does
            var lp = RelaxedOneHotCategorical.FromProbs(tau, tensor(Probs.Select(p => 2 * p).ToArray(), dtype: float64))
                .LogProb(tensor(xs.SelectMany(x => x).ToArray(), dtype: float64).reshape(xs.Length, 3));
            for (int i = 0; i < xs.Length; i++)
            {
                double expected = Math.Log(Density(tau, Probs, xs[i]));
                Assert.Equal(expected, lp[i].item<double>(), (Math.Abs(expected) * 1e-10) + 1e-12);
            }
        }
    }

    [Fact]
    public void TwoCategoriesReduceToTheBinaryConcrete()
    {
        using var scope = NewDisposeScope();
        double[] logits = [0.4, -1.1];
        double[] x0 = [0.01, 0.3, 0.6, 0.95];
        var values = tensor(x0.SelectMany(v => new[] { v, 1 - v }).ToArray(), dtype: float64).reshape(x0.Length, 2);
        var lp = RelaxedOneHotCategorical.FromLogits(0.6, tensor(logits, dtype: float64)).LogProb(values);
        for (int i = 0; i < x0.Length; i++)
        {
            double expected = Math.Log(RelaxedBernoulliTests.Density(0.6, logits[0] - logits[1], x0[i]));
            Assert.Equal(expected, lp[i].item<double>(), (Math.Abs(expected) * 1e-10) + 1e-12);
        }
    }

    [Fact]
    public void DensityIntegratesToOneOverTheSimplex()
    {
        using var scope = NewDisposeScope();
        // x = (u, (1 − u)v, (1 − u)(1 − v)) maps the unit square onto the simplex with Jacobian 1 − u
        const int n = 1000;
        var mid = arange(n, dtype: float64).add(0.5).div(n);
        var u = mid.unsqueeze(1).expand(n, n);
        var v = mid.unsqueeze(0).expand(n, n);
        var x = stack([u, u.neg().add(1).mul(v), u.neg().add(1).mul(v.neg().add(1))], -1);
        // near a vertex the density behaves like ε^(τ−2): bounded for τ ≥ 2, where the midpoint
        // rule is accurate to O(1/n²); for τ < 2 the integrable peak limits it to O(1/n)
        foreach (var (tau, tolerance) in new[] { (2.0, 1e-5), (3.0, 1e-5), (1.0, 1e-3) })
        {
            var density = RelaxedOneHotCategorical.FromProbs(tau, tensor(Probs, dtype: float64)).LogProb(x).exp();
            double integral = density.mul(u.neg().add(1)).sum().item<double>() / n / n;
            Assert.Equal(1.0, integral, tolerance);
        }
    }

    [Fact]
    public void ArgmaxOfDrawsIsCategoricalByChiSquare()
    {
        using var scope = NewDisposeScope();
        // softmax is monotone, so argmax (λ + G)/τ is the Gumbel-max draw at every temperature
        foreach (double tau in new[] { 0.3, 3.0 })
        {
            var x = RelaxedOneHotCategorical.FromProbs(tau, tensor(Probs, dtype: float64)).Sample(new Generator(51, CPU), 20_000);
            var index = x.argmax(-1).data<long>().ToArray();
            GoodnessOfFit.AssertFits(GoodnessOfFit.ChiSquare(index, k => Probs[k], 0, 2), $"argmax at τ = {tau}");
        }
    }

    [Fact]
    public void FirstCoordinateOfTwoCategoriesPassesAKolmogorovSmirnovTest()
    {
        using var scope = NewDisposeScope();
        double[] logits = [0.4, -1.1];
        var x = RelaxedOneHotCategorical.FromLogits(0.6, tensor(logits, dtype: float64)).Sample(new Generator(52, CPU), 20_000);
        var first = x[.., 0].contiguous().data<double>().ToArray();
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(first, v => RelaxedBernoulliTests.Cdf(0.6, logits[0] - logits[1], v)), "x₀ of a two-category Concrete");
    }

    [Fact]
    public void RSampleGradientIsThePathwiseDerivative()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 0.3, -0.2, 1.0 }, dtype: float64).requires_grad_();
        var x = RelaxedOneHotCategorical.FromLogits(0.5, logits).RSample(new Generator(9, CPU), 25);
        x[.., 0].sum().backward();

        // x = softmax((λ + G)/τ): ∂x₀/∂λ_j = x₀(δ₀ⱼ − x_j)/τ
        var v = x.detach();
        var expected = v[.., 0].unsqueeze(-1).mul(eye(3, dtype: float64)[0].sub(v)).sum(0L).div(0.5);
        Assert.True(logits.grad!.allclose(expected, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void BadParametersThrowNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => RelaxedOneHotCategorical.FromLogits(tensor(new[] { 1.0, -0.5 }), zeros(2, 3)));
        Assert.Contains("RelaxedOneHotCategorical", e.Message, StringComparison.Ordinal);
        Assert.Contains("'temperature'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.5", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => RelaxedOneHotCategorical.FromProbs(1.0, tensor(new[] { 0.5, -0.25, 0.75 })));
        Assert.Contains("'probs'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.25", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RelaxedOneHotCategorical.FromLogits(1.0, zeros(1)));
    }

    [Fact]
    public void ValueOffTheSimplexThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => RelaxedOneHotCategorical.FromLogits(1.0, zeros(3)).LogProb(tensor(new[] { 0.5, 0.5, 0.5 })));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }
}
