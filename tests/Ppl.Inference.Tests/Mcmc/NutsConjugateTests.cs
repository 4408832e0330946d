using Ppl.Distributions;
using Ppl.Inference.Mcmc;
using Xunit.Abstractions;
using static Ppl.Primitives;
using static Ppl.Testing.ConjugateModels.FourFamilies;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Mcmc;

/// <summary>
/// NUTS against conjugate posteriors: the posterior mean and variance of the draws within four Monte
/// Carlo standard errors of the closed form (the errors themselves bounded), R̂ below 1.01 and, for the
/// Gaussian cases, bulk ESS above 400 per 1,000 draws.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
public sealed class NutsConjugateTests(ITestOutputHelper output)
{
    private static readonly McmcOptions FourChains = new() { Warmup = 500, Samples = 1000, Chains = 4, Seed = 1 };

    [Fact]
    public void NormalNormalPosteriorOfEightMeans()
    {
        // μ_j ~ N(0, 2²) and x_ij ~ N(μ_j, 1) for eight groups (the ten data points shifted by j): each
        // μ_j's posterior is N(Σᵢ x_ij / (¼ + n), 1 / (¼ + n)). (A single scalar mean works too, but NUTS
        // draws a one-dimensional Gaussian with only ~0.35 effective draws per draw, as Stan does.)
        const int groups = 8;
        using var x = tensor(NormalData).unsqueeze(0).add(arange(groups, dtype: ScalarType.Float64).unsqueeze(1)); // [8, 10]
        static object? Model(Tensor data)
        {
            using var groupPlate = Plate("groups", data.shape[0], dim: -2);
            var mu = Sample("mu", new Normal(zeros(1, dtype: data.dtype), PriorSd).Expand([data.shape[0], 1]));
            using var points = Plate("points", data.shape[1], dim: -1);
            return Sample("x", new Normal(mu, 1.0), obs: data);
        }

        using var result = new Mcmc<Tensor>(Model, FourChains).Run(x);
        double precision = (1 / (PriorSd * PriorSd)) + NormalData.Length;
        for (int j = 0; j < groups; j++)
        {
            AssertMoments(result, "mu", j, NormalData.Select(v => v + j).Sum() / precision, 1 / precision, gaussian: true);
        }
    }

    [Fact]
    public void VectorizedChainsDrawTheSamePosterior()
    {
        using var x = tensor(NormalData);
        using var result = new Mcmc<Tensor>(NormalModel, FourChains with { Vectorized = true }).Run(x);
        var (mean, sd) = NormalPosterior();
        Assert.Equal([4L, 1000L], result.Samples["mu"].shape);
        AssertMoments(result, "mu", 0, mean, sd * sd, gaussian: false); // one dimension: ~0.35 effective draws per draw
    }

    [Fact]
    public void BetaBernoulliPosterior()
    {
        using var flips = tensor(Flips);
        using var result = new Mcmc<Tensor>(BetaModel, FourChains).Run(flips);
        var (a, b) = BetaPosterior();
        var beta = new MathNet.Numerics.Distributions.Beta(a, b);
        AssertMoments(result, "p", 0, beta.Mean, beta.Variance, gaussian: false);
    }

    [Fact]
    public void GammaPoissonPosterior()
    {
        using var counts = tensor(Counts);
        using var result = new Mcmc<Tensor>(GammaModel, FourChains).Run(counts);
        var (shape, rate) = GammaPosterior();
        AssertMoments(result, "rate", 0, shape / rate, shape / (rate * rate), gaussian: false);
    }

    [Fact]
    public void ADenseMetricRecoversTheCovarianceOfACorrelatedGaussian()
    {
        // sds 1 and 10, correlation 0.9: a diagonal metric cannot undo the correlation, a dense one can
        double[,] sigma = { { 1, 9 }, { 9, 100 } };
        using var covariance = tensor(new double[] { 1, 9, 9, 100 }).reshape(2, 2);
        using var loc = tensor(new double[] { 1, -2 });
        object? Model(Tensor unused) => Sample("z", MultivariateNormal.FromCovariance(loc, covariance));
        using var result = new Mcmc<Tensor>(Model, FourChains with { DenseMetric = true }).Run(loc);
        foreach (var metric in result.InverseMetrics)
        {
            var m = metric;
            output.WriteLine($"adapted inverse metric [{string.Join(", ", m.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}]");
            // a window of ~500 draws estimates a variance within ~10 % (2 standard errors) and the correlation within ~0.02
            Assert.InRange(m[0], 0.75 * sigma[0, 0], 1.25 * sigma[0, 0]);
            Assert.InRange(m[3], 0.75 * sigma[1, 1], 1.25 * sigma[1, 1]);
            Assert.InRange(m[1] / Math.Sqrt(m[0] * m[3]), 0.85, 0.95);
        }

        AssertMoments(result, "z", 0, 1, 1, gaussian: true);
        AssertMoments(result, "z", 1, -2, 100, gaussian: true);
    }

    [Fact]
    public void APotentialWrittenByHandDrawsTheCorrelatedGaussian()
    {
        // the same Gaussian as above, as U(q) = ½ (q − m)ᵀ Σ⁻¹ (q − m) with Σ⁻¹ = [[100, −9], [−9, 1]] / 19
        (double Energy, double[] Gradient) Potential(double[] q)
        {
            double d0 = q[0] - 1, d1 = q[1] + 2;
            double g0 = ((100 * d0) - (9 * d1)) / 19, g1 = ((-9 * d0) + d1) / 19;
            return (0.5 * ((d0 * g0) + (d1 * g1)), [g0, g1]);
        }

        using var result = new PotentialMcmc(Potential, FourChains with { DenseMetric = true }).Run([0.0, 0.0], [2.0, -10.0], [1.0, 5.0], [0.5, -2.0]);
        foreach (var m in result.InverseMetrics)
        {
            Assert.InRange(m[0], 0.75, 1.25);
            Assert.InRange(m[3], 75, 125);
            Assert.InRange(m[1] / Math.Sqrt(m[0] * m[3]), 0.85, 0.95);
        }

        AssertMoments(result, PotentialMcmc.Site, 0, 1, 1, gaussian: true);
        AssertMoments(result, PotentialMcmc.Site, 1, -2, 100, gaussian: true);
    }

    private void AssertMoments(McmcResult result, string site, int element, double mean, double variance, bool gaussian)
    {
        var draws = result.Samples[site].to_type(ScalarType.Float64).reshape(result.Chains, result.Draws, -1).select(2, element);
        var chains = Enumerable.Range(0, result.Chains).Select(c => draws[c].data<double>().ToArray()).ToList();
        var squares = chains.Select(c => c.Select(v => (v - mean) * (v - mean)).ToArray()).ToList();
        double estimate = chains.SelectMany(c => c).Average();
        double varianceEstimate = squares.SelectMany(c => c).Average();
        double meanError = McmcDiagnostics.Mcse(chains);
        double varianceError = McmcDiagnostics.Mcse(squares);
        double rHat = McmcDiagnostics.RHat(chains);
        double bulk = McmcDiagnostics.BulkEss(chains);
        int total = result.Chains * result.Draws;
        output.WriteLine($"{site}[{element}]: mean {estimate:G5} (exact {mean:G5}, MCSE {meanError:G3}), variance {varianceEstimate:G5} (exact {variance:G5}, MCSE {varianceError:G3}), R̂ {rHat:F4}, bulk ESS {bulk:F0} of {total}, divergences {result.Divergences}");

        // the standard errors themselves are bounded: at least ~100 effective draws' worth
        Assert.InRange(meanError, 0, 0.1 * Math.Sqrt(variance));
        Assert.InRange(varianceError, 0, 0.2 * variance);
        Assert.InRange(estimate, mean - (4 * meanError), mean + (4 * meanError));
        Assert.InRange(varianceEstimate, variance - (4 * varianceError), variance + (4 * varianceError));
        Assert.True(rHat < 1.01, $"R̂ {rHat:F4}");
        if (gaussian)
        {
            Assert.True(bulk > 0.4 * total, $"bulk ESS {bulk:F0} of {total} draws");
        }

        Assert.Equal(0, result.Divergences);
    }
}
