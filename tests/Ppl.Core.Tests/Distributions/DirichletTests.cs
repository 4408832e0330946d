using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetBeta = MathNet.Numerics.Distributions.Beta;
using MathNetDirichlet = MathNet.Numerics.Distributions.Dirichlet;
using MathNetGamma = MathNet.Numerics.Distributions.Gamma;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class DirichletTests
{
    private static readonly double[][] Alphas = [[0.5, 0.5, 0.5], [1.0, 1.0, 1.0], [2.0, 3.0, 0.7], [10.0, 0.3, 4.0]];

    private static readonly double[][] Points = [[1.0 / 3, 1.0 / 3, 1.0 / 3], [0.1, 0.2, 0.7], [0.9, 0.05, 0.05], [1e-4, 0.5, 0.5 - 1e-4]];

    [Fact]
    public void LogProbMatchesMathNetOnAGrid()
    {
        using var scope = NewDisposeScope();
        foreach (var alpha in Alphas)
        {
            var lp = new Dirichlet(tensor(alpha, dtype: float64)).LogProb(tensor(Points.SelectMany(p => p).ToArray(), dtype: float64).reshape(Points.Length, 3));
            var reference = new MathNetDirichlet(alpha);
            for (int i = 0; i < Points.Length; i++)
            {
                double expected = reference.DensityLn(Points[i]);
                Assert.Equal(expected, lp[i].item<double>(), (Math.Abs(expected) * 1e-10) + 1e-12);
            }
        }
    }

    [Theory]
    [InlineData(0.5, 0.5, 0.5, 1)]
    [InlineData(2.0, 3.0, 0.7, 2)]
    [InlineData(10.0, 0.3, 4.0, 3)]
    public void MarginalsOfDrawsAreBetaByKolmogorovSmirnov(double a0, double a1, double a2, int seed)
    {
        using var scope = NewDisposeScope();
        double[] alpha = [a0, a1, a2];
        double total = alpha.Sum();
        var x = new Dirichlet(tensor(alpha, dtype: float64)).Sample(new Generator((ulong)seed, CPU), 20_000);
        Assert.True(x.sum(-1).sub(1).abs().max().item<double>() < 1e-12);
        for (int k = 0; k < 3; k++)
        {
            double a = alpha[k];
            var xs = x[.., k].contiguous().data<double>().ToArray();
            GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(xs, v => MathNetBeta.CDF(a, total - a, v)), $"Dirichlet([{a0}, {a1}, {a2}]) component {k}");
        }
    }

    [Fact]
    public void MomentsMatchMathNetAndEntropyMatchesMonteCarlo()
    {
        using var scope = NewDisposeScope();
        foreach (var alpha in Alphas)
        {
            var d = new Dirichlet(tensor(alpha, dtype: float64));
            var reference = new MathNetDirichlet(alpha);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(reference.Mean[k], d.Mean[k].item<double>(), 12);
                Assert.Equal(reference.Variance[k], d.Variance[k].item<double>(), 12);
            }

            // −E[log p(X)] by Monte Carlo with MathNet's density, within 5 standard errors
            const int n = 20_000;
            var x = d.Sample(new Generator(17, CPU), n).data<double>().ToArray();
            var logs = Enumerable.Range(0, n).Select(i => -reference.DensityLn([x[3 * i], x[(3 * i) + 1], x[(3 * i) + 2]])).ToArray();
            double mean = logs.Average();
            double se = Math.Sqrt(logs.Select(v => (v - mean) * (v - mean)).Sum() / (n - 1) / n);
            var (variance, kurtosis) = LogDensityVarianceAndKurtosis(alpha);
            StandardErrorCeiling.Check(se, StandardErrorCeiling.OfMean(variance, n, kurtosis) + 1e-12, $"entropy of Dirichlet [{string.Join(", ", alpha)}]");
            Assert.True(Math.Abs(mean - d.Entropy().item<double>()) < (5 * se) + 1e-10, // α = 1 has a constant density: se = 0
                 $"alpha [{string.Join(", ", alpha)}]: entropy {d.Entropy().item<double>()} vs Monte Carlo {mean} ± {se}");
        }
    }

    /// <summary>
    /// Var and kurtosis of log p(X) = c + Σ (αₖ − 1) log Xₖ for X ~ Dirichlet(α). With Xₖ = Gₖ/S for
    /// independent Gₖ ~ Gamma(αₖ) and S = ΣG ~ Gamma(α₀) independent of X, Σ aₖ log Gₖ = Σ aₖ log Xₖ +
    /// (Σ aₖ) log S, so the cumulants of the density's log are Σ aₖⁿ ψ⁽ⁿ⁻¹⁾(αₖ) − (Σ aₖ)ⁿ ψ⁽ⁿ⁻¹⁾(α₀)
    /// (log Gamma(α) has cumulants ψ⁽ⁿ⁻¹⁾(α)).
    /// </summary>
    private static (double Variance, double Kurtosis) LogDensityVarianceAndKurtosis(double[] alpha)
    {
        double total = alpha.Sum(), a = alpha.Sum(v => v - 1);
        double k2 = alpha.Sum(v => (v - 1) * (v - 1) * Polygamma.Trigamma(v)) - (a * a * Polygamma.Trigamma(total));
        double k4 = alpha.Sum(v => Math.Pow(v - 1, 4) * Polygamma.Tetragamma(v)) - (Math.Pow(a, 4) * Polygamma.Tetragamma(total));
        return (k2, k2 > 0 ? 3 + (k4 / (k2 * k2)) : 3);
    }

    [Fact]
    public void RSampleGradientIsTheImplicitGammaDerivativePerDraw()
    {
        using var scope = NewDisposeScope();
        const int n = 20;
        double[] alpha = [1.7, 0.6];

        // one row of concentrations per draw, so each row's gradient belongs to one draw
        var conc = tensor(alpha, dtype: float64).expand(n, 2).clone().requires_grad_();
        var x = new Dirichlet(conc).RSample(new Generator(31, CPU));
        x[.., 0].sum().backward();

        // x0 = g0 / (g0 + g1) with the gamma draws replayed from the same seed; each gamma's
        // derivative is the implicit −(∂F/∂α)/(∂F/∂g) of the Gamma(α, 1) CDF F at the draw
        var g = _standard_gamma(tensor(alpha, dtype: float64).expand(n, 2), new Generator(31, CPU)).data<double>().ToArray();
        for (int i = 0; i < n; i++)
        {
            double g0 = g[2 * i], g1 = g[(2 * i) + 1], s = g0 + g1;
            double dx0dA0 = g1 / (s * s) * PathwiseGradientLaw.GammaDrawDerivative(alpha[0], g0);
            double dx0dA1 = -g0 / (s * s) * PathwiseGradientLaw.GammaDrawDerivative(alpha[1], g1);
            Assert.Equal(g0 / s, x[i, 0].item<double>(), 12);
            // LibTorch evaluates the gamma's implicit derivative by series and asymptotic
            // approximations that are accurate to a few parts in 10⁵, not to double precision
            Assert.Equal(dx0dA0, conc.grad![i, 0].item<double>(), (Math.Abs(dx0dA0) * 5e-4) + 1e-9);
            Assert.Equal(dx0dA1, conc.grad![i, 1].item<double>(), (Math.Abs(dx0dA1) * 5e-4) + 1e-9);
        }
    }

    [Fact]
    public void RSampleGradientAgreesOnAverageWithTheBetaMarginalImplicitDerivative()
    {
        using var scope = NewDisposeScope();
        const int n = 20_000;
        double a = 1.7, b = 0.6;
        var conc = tensor(new[] { a, b }, dtype: float64).expand(n, 2).clone().requires_grad_();
        var x0 = new Dirichlet(conc).RSample(new Generator(32, CPU))[.., 0];
        x0.sum().backward();

        // per draw, the gamma-ratio gradient differs from the one of the Beta(a, b) CDF of X0
        // (it also depends on g0 + g1), but both are unbiased for dE[X0]/da = b/(a + b)²
        var perDraw = conc.grad![.., 0].contiguous().data<double>().ToArray();
        var xs = x0.detach().contiguous().data<double>().ToArray();
        var beta = new double[n];
        for (int i = 0; i < n; i++)
        {
            double h = 1e-6 * a;
            double dFda = (MathNetBeta.CDF(a + h, b, xs[i]) - MathNetBeta.CDF(a - h, b, xs[i])) / (2 * h);
            beta[i] = -dFda / MathNetBeta.PDF(a, b, xs[i]);
        }

        double exact = b / ((a + b) * (a + b));

        // the Beta-implicit values are a function of x alone, so their spread follows from the Beta law:
        // E[g(X)ᵏ] by the midpoint rule over x (g as above); the gamma-ratio one, (1 − x)/S·∂G₀/∂a at
        // G₀ = xS, also depends on S = G₀ + G₁ ~ Gamma(a + b), independent of x, a 2-D quadrature
        var (implicitVariance, implicitKurtosis) = BetaImplicitVarianceAndKurtosis(a, b, exact);
        var gammaRatio = PathwiseGradientLaw.Beta(a, b, wrtConcentration1: true);
        var ceilings = new Dictionary<string, double>
        {
            ["gamma-ratio"] = gammaRatio.StandardErrorCeiling(_ => 1, n),
            ["Beta implicit"] = StandardErrorCeiling.OfMean(implicitVariance, n, implicitKurtosis),
        };
        foreach (var (name, values) in new[] { ("gamma-ratio", perDraw), ("Beta implicit", beta) })
        {
            double mean = values.Average();
            double se = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Sum() / (n - 1) / n);
            StandardErrorCeiling.Check(se, ceilings[name], name);
            Assert.True(Math.Abs(mean - exact) < 5 * se, $"{name}: mean gradient {mean} ± {se} vs {exact}");
        }
    }

    /// <summary>Var and kurtosis of g(X) = −(∂F/∂a)(X)/p(X), X ~ Beta(a, b), whose mean is <paramref name="mean"/>: ∫ (g − mean)ᵏ p by the midpoint rule on (0, 1).</summary>
    private static (double Variance, double Kurtosis) BetaImplicitVarianceAndKurtosis(double a, double b, double mean)
    {
        const int cells = 20_000;
        double m2 = 0, m4 = 0;
        for (int i = 0; i < cells; i++)
        {
            double x = (i + 0.5) / cells, h = 1e-6 * a;
            double density = MathNetBeta.PDF(a, b, x);
            double g = -(MathNetBeta.CDF(a + h, b, x) - MathNetBeta.CDF(a - h, b, x)) / (2 * h) / density;
            double d = g - mean;
            m2 += d * d * density / cells;
            m4 += d * d * d * d * density / cells;
        }

        return (m2, m4 / (m2 * m2));
    }

    [Fact]
    public void NonPositiveConcentrationThrowsNamingFamilyParameterAndValue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Dirichlet(tensor(new[] { 1.0, -0.5, 2.0 })));
        Assert.Contains("Dirichlet", e.Message, StringComparison.Ordinal);
        Assert.Contains("'concentration'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-0.5", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Dirichlet(tensor(1.0)));
    }

    [Fact]
    public void ValueOffTheSimplexIsOutsideTheSupport()
    {
        using var scope = NewDisposeScope();
        var d = new Dirichlet(ones(3, dtype: float64));
        var e = Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 0.5, 0.3, 0.3 }, dtype: float64)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => d.LogProb(tensor(new[] { 1.2, -0.2, 0.0 }, dtype: float64)));
    }
}
