using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Queries;

/// <summary>
/// Backdoor's inner conditional expectations are self-normalized importance estimates over
/// innerDraws particles, biased by O(1/innerDraws); the estimator removes that bias by the
/// jackknife over the inner draws and reports Kish's effective sample size of its combined weights.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class BackdoorEstimatorTests
{
    private static readonly LinearScm Scm = new();

    [Fact]
    public void TheEmptyAdjustmentSetWithFewInnerDrawsIsWithinItsReportedErrorOfTheObservationalMean()
    {
        using var scope = NewDisposeScope();
        const double a = 1.0;
        const int draws = 50_000, innerDraws = 64;
        var estimate = CausalQueries.Backdoor<bool>(Scm.Model, false, "x", tensor(a, dtype: float64), [], "z", draws, innerDraws, seed: 8);

        // without adjustment the query is E[Z | X = a], the confounded observational mean
        double exact = Scm.Condition([3], [1], [a]).Mean[0];
        var theory = SelfNormalizedTheory(a);
        Assert.InRange(estimate.Value, exact - (4 * estimate.StandardError), exact + (4 * estimate.StandardError));

        // the reported error is the estimator's own: the asymptotic error of n·m weighted draws, no inflation
        double asymptoticError = Math.Sqrt(theory.Variance / ((double)draws * innerDraws));
        Assert.InRange(estimate.StandardError, 0.9 * asymptoticError, 1.1 * asymptoticError);

        // the correction removed the first-order bias, whose size theory gives
        double bias = theory.FirstOrderBias / innerDraws;
        Assert.InRange(estimate.BiasCorrection, bias - (0.25 * Math.Abs(bias)), bias + (0.25 * Math.Abs(bias)));
        // Kish's ESS of the combined weights: n·m·E[w]²/E[w²] up to O(1/m)
        Assert.Equal(draws * innerDraws, estimate.Draws);
        double kish = draws * innerDraws * theory.KishFraction;
        Assert.InRange(estimate.EffectiveSampleSize, 0.95 * kish, 1.05 * kish);
    }

    [Fact]
    public void AdjustingForTheConfounderKeepsEveryDrawAndNeedsNoCorrection()
    {
        using var scope = NewDisposeScope();
        const int draws = 500, innerDraws = 16;
        var estimate = CausalQueries.Backdoor<bool>(Scm.Model, false, "x", tensor(1.0, dtype: float64), ["u"], "z", draws, innerDraws, seed: 9);

        // with U fixed, every inner draw of an outer draw has the same weight p(u)·p(x = a | u)
        Assert.Equal(draws * innerDraws, estimate.Draws);
        Assert.Equal(draws * innerDraws, estimate.EffectiveSampleSize, 6);
        Assert.True(Math.Abs(estimate.BiasCorrection) < 1e-12, $"{estimate}");
    }

    [Fact]
    public void OneInnerDrawIsRejected()
    {
        using var scope = NewDisposeScope();

        // a single inner draw ignores its weight: the estimate would be the prior mean of the outcome
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            CausalQueries.Backdoor<bool>(Scm.Model, false, "x", tensor(1.0, dtype: float64), [], "z", draws: 100, innerDraws: 1, seed: 1));
    }

    [Fact]
    public void TheEstimatorMatchesAHandComputation()
    {
        using var scope = NewDisposeScope();

        // [inner, outer]: outer draw 0 has weights 1, 1, 1 and outcomes 1, 2, 6; outer draw 1 has weights 1, 2, 3 and outcomes 0, 1, 4
        var logWeights = tensor(new double[,] { { 0, 0 }, { 0, Math.Log(2) }, { 0, Math.Log(3) } });
        var outcomes = tensor(new double[,] { { 1, 0 }, { 2, 1 }, { 6, 4 } });
        var estimate = BackdoorEstimator.Combine(logWeights, outcomes);

        // draw 0: mean 3, leave-one-out means 4, 3.5, 1.5 (mean 3), jackknife 3·3 − 2·3 = 3
        // draw 1: mean 14/6, leave-one-out 14/5, 12/4, 2/3, jackknife 3·14/6 − 2·(97/45) = 121/45
        Assert.Equal(((3.0 + (121.0 / 45)) / 2), estimate.Value, 12);
        Assert.Equal((((3.0 + (14.0 / 6)) / 2) - estimate.Value), estimate.BiasCorrection, 12);
        Assert.Equal((3.0 - (121.0 / 45)) / 2, estimate.StandardError, 12); // sd of two values / √2
        Assert.Equal(6, estimate.Draws);

        // Kish over the combined weights w/n: 3·(1/6)² + (1² + 2² + 3²)/12² = 26/144
        Assert.Equal(144.0 / 26, estimate.EffectiveSampleSize, 12);
    }

    [Fact]
    public void TheEstimatorMatchesALoopOverRandomWeights()
    {
        using var scope = NewDisposeScope();
        const int m = 5, n = 4;
        var random = new Random(3);
        var lw = new double[m, n];
        var y = new double[m, n];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++)
            {
                lw[j, i] = (random.NextDouble() * 6) - 3;
                y[j, i] = (random.NextDouble() * 4) - 2;
            }
        }

        var estimate = BackdoorEstimator.Combine(tensor(lw), tensor(y));
        var jack = new double[n];
        double plain = 0, squares = 0;
        for (int i = 0; i < n; i++)
        {
            double total = 0, weighted = 0;
            for (int j = 0; j < m; j++)
            {
                total += Math.Exp(lw[j, i]);
                weighted += Math.Exp(lw[j, i]) * y[j, i];
            }

            double mean = weighted / total, looMean = 0;
            for (int j = 0; j < m; j++)
            {
                looMean += (weighted - (Math.Exp(lw[j, i]) * y[j, i])) / (total - Math.Exp(lw[j, i])) / m;
                squares += Math.Pow(Math.Exp(lw[j, i]) / total / n, 2);
            }

            jack[i] = (m * mean) - ((m - 1) * looMean);
            plain += mean / n;
        }

        double value = jack.Average();
        double sd = Math.Sqrt(jack.Sum(v => (v - value) * (v - value)) / (n - 1));
        Assert.Equal(value, estimate.Value, 10);
        Assert.Equal(sd / Math.Sqrt(n), estimate.StandardError, 10);
        Assert.Equal(plain - value, estimate.BiasCorrection, 10);
        Assert.Equal(1 / squares, estimate.EffectiveSampleSize, 8);
    }

    /// <summary>
    /// The self-normalized estimate of E[Z | X = a] from m prior draws of U weighted by
    /// w(u) = N(a; αu, σx²): its variance is V/m and its bias B/m + O(1/m²), with
    /// V = E[w²(Z − μ)²] / E[w]² and B = −E[w²(Z − μ)] / E[w]² (the delta method). w² is a Gaussian
    /// in u with half the variance, so both are Gaussian integrals in closed form, as is Kish's
    /// fraction E[w]² / E[w²].
    /// </summary>
    private static (double Variance, double FirstOrderBias, double KishFraction) SelfNormalizedTheory(double a)
    {
        double alpha = Scm.Alpha, sx2 = Scm.SigmaX * Scm.SigmaX;
        double dg = Scm.Delta * Scm.Gamma;
        double meanW = Gauss(a, (alpha * alpha) + sx2);

        // w(u)² = N(a; αu, σx²/2) / (2√π σx); under that tilt u | a has mean m2 and variance v2
        double half = sx2 / 2;
        double tiltMass = Gauss(a, (alpha * alpha) + half) / (2 * Math.Sqrt(Math.PI) * Scm.SigmaX);
        double m2 = alpha * a / ((alpha * alpha) + half), v2 = half / ((alpha * alpha) + half);
        double posteriorMean = alpha * a / ((alpha * alpha) + sx2);

        // Z − μ = δγ(U − E[U | a]) + δσy·ε_y + σz·ε_z given U
        double noise = (Scm.Delta * Scm.Delta * Scm.SigmaY * Scm.SigmaY) + (Scm.SigmaZ * Scm.SigmaZ);
        double second = (dg * dg * (v2 + Math.Pow(m2 - posteriorMean, 2))) + noise;
        double first = dg * (m2 - posteriorMean);
        return (tiltMass * second / (meanW * meanW), -tiltMass * first / (meanW * meanW), meanW * meanW / tiltMass);
    }

    private static double Gauss(double x, double variance) => Math.Exp(-x * x / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance);
}
