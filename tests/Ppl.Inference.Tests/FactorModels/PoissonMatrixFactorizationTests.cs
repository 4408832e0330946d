using Ppl.Inference.FactorModels;
using Ppl.Testing;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.FactorModels;

/// <summary>The Poisson maximum-likelihood factorization that starts Poisson factorization's SVI: monotone, as likely as the truth, blind to held-out entries.</summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class PoissonMatrixFactorizationTests
{
    [Fact]
    public void EveryUpdateRaisesTheLikelihoodAndTheEndIsAtLeastAsLikelyAsTheTruth()
    {
        using var scope = NewDisposeScope();
        var (a, rates) = FactorSimulations.Poisson(400, 60, 3, seed: 5);
        double previous = double.NegativeInfinity;
        foreach (int iterations in new[] { 0, 1, 2, 5, 10, 20, 50 })
        {
            double current = LogLikelihood(a, iterations, observed: null);
            Assert.True(current >= previous - 1e-6 * Math.Abs(previous), $"log-likelihood fell from {previous:F4} to {current:F4} at {iterations} updates");
            previous = current;
        }

        // the maximum of the likelihood over rank-3 nonnegative rates is at least that of the true rates, one of them
        double truth = FactorSimulations.PoissonLogLikelihood(a, rates, null);
        double fitted = LogLikelihood(a, 1000, observed: null);
        Assert.True(fitted >= truth, $"factorization {fitted:F2} nats below the true rates' {truth:F2}");
        Assert.True(fitted - truth < 0.05 * Math.Abs(truth), $"factorization {fitted:F2} implausibly far above the true rates' {truth:F2}");
    }

    [Fact]
    public void HeldOutEntriesDoNotMoveTheFactorization()
    {
        using var scope = NewDisposeScope();
        var (a, _) = FactorSimulations.Poisson(200, 30, 2, seed: 6);
        var observed = HeldOutEntries.Draw(200, 30, 0.2, seed: 7);
        var scrambled = where(observed, a, randint(0, 50, a.shape, generator: new Generator(8)).to(a.dtype));
        var (w1, h1) = PoissonMatrixFactorization.Factorize(a, observed, 2, 30, new Generator(9));
        var (w2, h2) = PoissonMatrixFactorization.Factorize(scrambled, observed, 2, 30, new Generator(9));
        Assert.True(w1.allclose(w2, rtol: 1e-5, atol: 1e-7) && h1.allclose(h2, rtol: 1e-5, atol: 1e-7), "a held-out entry's value changed the factorization");
        var (w3, _) = PoissonMatrixFactorization.Factorize(scrambled, null, 2, 30, new Generator(9));
        Assert.False(w1.allclose(w3, rtol: 1e-3, atol: 1e-5), "with every entry observed the scrambled ones must count");
    }

    [Fact]
    public void LoadingsCarryTheScaleWhenTheUnitsAreAtThePriorMean()
    {
        using var scope = NewDisposeScope();
        var (a, _) = FactorSimulations.Poisson(300, 40, 2, seed: 10);
        var (w, h) = PoissonMatrixFactorization.Factorize(a, null, 2, PoissonMatrixFactorization.Iterations, new Generator(11));
        var loadings = PoissonMatrixFactorization.Loadings(a, null, 2, unitMean: 2.5, new Generator(11));
        var scaledUnits = w.div(w.mean([0L])).mul(2.5);
        Assert.True(scaledUnits.matmul(loadings.T).allclose(w.matmul(h.T), rtol: 1e-4, atol: 1e-5), "rescaling changed the rates W Hᵀ");
        Assert.True(loadings.gt(0).all().item<bool>());
    }

    [Fact]
    public void FactorizingLeavesOnlyTheLoadingsBehind()
    {
        var (a, _) = FactorSimulations.Poisson(100, 20, 2, seed: 13);
        var observed = HeldOutEntries.Draw(100, 20, 0.2, seed: 14);
        LiveTensors.AssertNoLeak(() => PoissonMatrixFactorization.Loadings(a, observed, 2, 1.0, new Generator(15)).Dispose(), checkScopeStatistics: true);
    }

    private static double LogLikelihood(Tensor counts, int iterations, Tensor? observed)
    {
        var (w, h) = PoissonMatrixFactorization.Factorize(counts, observed, 3, iterations, new Generator(12));
        return FactorSimulations.PoissonLogLikelihood(counts, w.to(float64).matmul(h.to(float64).T), observed);
    }
}
