using Ppl.Causal;
using static Ppl.Tests.Causal.Mechanisms.MechanismCases;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Mechanisms;

[Collection("Sequential")]
public sealed class GumbelMaxDensityTests
{
    [Fact]
    public void LogDensityIsPriorMinusLogProbabilityOfTheObservationOnItsSupport()
    {
        // log q(g) = Σ_k log Gumbel(g_k) − log softmax(logits)[x] where argmax(logits + g) = x, −∞ elsewhere
        var random = new Random(31);
        const int K = 4, Rows = 400;
        var (l, o) = RandomCase(random, Rows, K, scale: 2, impossible: 0.2);
        var logits = tensor(l).reshape(Rows, K);
        var observed = tensor(o);
        var noise = GumbelMax.SamplePrior(logits, null, new Generator(32, CPU)).mul(1.5); // also points in the tails
        var actual = Values(GumbelMax.PosteriorLogProb(logits, observed, noise));
        var g = Values(noise);
        int inside = 0;
        for (int r = 0; r < Rows; r++)
        {
            var row = Enumerable.Range(0, K).Select(k => l[(r * K) + k]).ToArray();
            double lse = Math.Log(row.Sum(Math.Exp));
            var sums = Enumerable.Range(0, K).Select(k => row[k] + g[(r * K) + k]).ToArray();
            bool wins = Array.IndexOf(sums, sums.Max()) == o[r];
            double expected = wins
                ? Enumerable.Range(0, K).Sum(k => GumbelLogDensity(g[(r * K) + k])) - (row[o[r]] - lse)
                : double.NegativeInfinity;
            inside += wins ? 1 : 0;
            if (wins)
            {
                Assert.Equal(expected, actual[r], 1e-9 * Math.Max(1, Math.Abs(expected)));
            }
            else
            {
                Assert.Equal(double.NegativeInfinity, actual[r]);
            }
        }

        Assert.InRange(inside, 20, Rows - 20); // both branches were exercised
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void LogDensityIsTheDensityOfTheSampler(ScalarType dtype)
    {
        // importance identity: E_prior[(q/p)(g) · h(g)] = E_q[h(g)] for h = 1 and h = g_k;
        // both sides are Monte-Carlo means compared within 5 combined standard errors
        const int N = 200_000;
        var gen = new Generator(33, CPU);
        var logits = tensor(new[] { 0.5, -1.0, 1.2 }, dtype: dtype);
        var observed = tensor(1L);
        var prior = GumbelMax.SamplePrior(logits, [N], gen);
        var weights = Values(GumbelMax.PosteriorLogProb(logits, observed, prior)
            .sub(prior.add(prior.neg().exp()).neg().sum(-1)).exp());
        var posterior = Values(GumbelMax.SamplePosterior(logits, observed, [N], gen));
        var priorValues = Values(prior);

        // ceilings from the exact law: q/p is 1/P on the support (P = softmax(logits)[observed]) and 0
        // elsewhere, so Var_prior(w) = 1/P − 1, E_prior[w²h] = E_q[h]/P, and the posterior moments of g
        // come from PosteriorMoment
        double[] l = [0.5, -1.0, 1.2];
        double p = Math.Exp(l[1]) / l.Sum(Math.Exp);
        var (mass, massSe) = MeanAndError(weights);
        StandardErrorCeiling.Check(massSe, StandardErrorCeiling.OfMean((1 / p) - 1, N, BernoulliKurtosis(p)), "total mass");
        Assert.True(Math.Abs(mass - 1) <= 5 * massSe, $"total mass {mass} ± {massSe}");
        for (int k = 0; k < 3; k++)
        {
            var (viaPrior, sePrior) = MeanAndError(weights.Select((w, i) => w * priorValues[(i * 3) + k]));
            var (direct, seDirect) = MeanAndError(Column(posterior, 3, k));
            double m1 = PosteriorMoment(l, 1, k, 1), m2 = PosteriorMoment(l, 1, k, 2), m4 = PosteriorMoment(l, 1, k, 4);
            double varPrior = (m2 / p) - (m1 * m1), varDirect = m2 - (m1 * m1);

            // w·g is 0 off the support and g/P on it: kurtosis about E[g⁴]/(P·E[g²]²); g's own is below E[g⁴]/Var²
            StandardErrorCeiling.Check(sePrior, StandardErrorCeiling.OfMean(varPrior, N, m4 / (p * m2 * m2)), $"E[g{k}] via the density");
            StandardErrorCeiling.Check(seDirect, StandardErrorCeiling.OfMean(varDirect, N, m4 / (varDirect * varDirect)), $"E[g{k}] from the sampler");
            double se = Math.Sqrt((sePrior * sePrior) + (seDirect * seDirect));
            Assert.True(Math.Abs(viaPrior - direct) <= 5 * se, $"E[g{k}]: {viaPrior} via the density, {direct} from the sampler, se {se}");
        }
    }

    [Fact]
    public void TwoCategoryDensityIsTheClosedForm()
    {
        // K = 2, logits [a, b], X = 1: q(g0, g1) = Gumbel(g0) Gumbel(g1) / σ(b − a) on b + g1 > a + g0
        const double A = 0.3, B = -0.8;
        double logPx = -Math.Log(1 + Math.Exp(A - B));
        var points = new[] { (0.0, 0.0), (2.0, -1.0), (-3.0, 4.0), (1.0, 0.0), (-0.5, -0.5) };
        var noise = tensor(points.SelectMany(p => new[] { p.Item1, p.Item2 }).ToArray()).reshape(points.Length, 2);
        var actual = Values(GumbelMax.PosteriorLogProb(tensor(new[] { A, B }), tensor(1L), noise));
        for (int i = 0; i < points.Length; i++)
        {
            var (g0, g1) = points[i];
            double expected = B + g1 > A + g0
                ? GumbelLogDensity(g0) + GumbelLogDensity(g1) - logPx
                : double.NegativeInfinity;
            Assert.Equal(expected, actual[i], 1e-12);
        }
    }

    /// <summary>The kurtosis of a Bernoulli(p) indicator (any multiple of it): (1 − 3p(1 − p))/(p(1 − p)).</summary>
    private static double BernoulliKurtosis(double p) => (1 - (3 * p * (1 - p))) / (p * (1 - p));

    /// <summary>
    /// E[g_k^power] under the Gumbel-max posterior given argmax(logits + g) = observed, by quadrature.
    /// Given the argmax, the maximum M is Gumbel(logsumexp) and every other g_k is a Gumbel truncated
    /// below M − l_k; writing Gumbels as −log of Exp(1) draws and using memorylessness,
    /// g_k = −log(π_k·E₁ + E′) for k ≠ observed and −log(π_k·E₁) for k = observed, with E₁, E′
    /// independent Exp(1) and π = softmax(logits). S = π_k·E₁ + E′ has density
    /// (e^{−s/π_k} − e^{−s})/(π_k − 1); the integral runs over t = log s.
    /// </summary>
    private static double PosteriorMoment(double[] logits, int observed, int k, int power)
    {
        double a = Math.Exp(logits[k]) / logits.Sum(Math.Exp);
        Func<double, double> density = k == observed
            ? s => Math.Exp(-s / a) / a
            : s => (Math.Exp(-s / a) - Math.Exp(-s)) / (a - 1);
        const double from = -40, to = 6, step = 1e-3;
        double sum = 0;
        for (double t = from; t <= to; t += step)
        {
            double s = Math.Exp(t);
            sum += Math.Pow(-t, power) * density(s) * s * step;
        }

        return sum;
    }

    /// <summary>log of the standard Gumbel density e^{−(g + e^{−g})}.</summary>
    private static double GumbelLogDensity(double g) => -(g + Math.Exp(-g));

    private static (double Mean, double StandardError) MeanAndError(IEnumerable<double> values)
    {
        double[] v = [.. values];
        double mean = v.Average();
        double variance = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
        return (mean, Math.Sqrt(variance / v.Length));
    }
}
