using Ppl.Inference.FactorModels;
using Ppl.Testing;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.FactorModels;

/// <summary>Poisson factorization (with the generator's Gamma(1, 1) priors) on counts drawn from it: the fitted rates track the true ones and the held-out ELBO prefers factors to none.</summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class PoissonFactorizationTests
{
    // rates are exp of the log-space parameters: a smaller step than the logistic model's default, and more of them
    private static readonly FactorFitOptions Options = new() { Epochs = 200, LearningRate = 0.02 };

    [Fact]
    public void FittedRatesTrackTheTruthAndFactorsBeatNone()
    {
        using var scope = NewDisposeScope();
        var (a, rates) = FactorSimulations.Poisson(1000, 40, 2, seed: 3);
        var validation = arange(1000).remainder(5).eq(0);
        var scores = FactorModelSelection.Run([new PoissonFactorization(40, 0), new PoissonFactorization(40, 2, shape: 1, rate: 1)], a, validation, Options);
        Assert.True(scores.Scores[1].HeldOutElbo > scores.Scores[0].HeldOutElbo + 5, string.Join(", ", scores.Scores.Select(s => $"{s.Name}: {s.HeldOutElbo:F2}")));

        using var fit = FactorModelFitting.Fit(new PoissonFactorization(40, 2, shape: 1, rate: 1), a, options: Options);
        var zhat = fit.SubstituteConfounders(a);
        Assert.True(zhat.gt(0).all().item<bool>());
        var fitted = zhat.to(float64).matmul(fit.CauseMedians()[PoissonFactorization.LoadingsSite].to(float64).T);
        double correlation = corrcoef(stack([fitted.flatten(), rates.flatten()])).index(0, 1).item<double>();
        Assert.True(correlation > 0.9, $"correlation of fitted and true rates {correlation:F3}");
    }

    [Fact]
    public void OnStructuredGenotypesTheFitIsAsLikelyAsTheTrueMeans()
    {
        // Wang & Blei's GWAS structure at a = 0.1: SVI from the feasible point (every loading 1) settles
        // far below the likelihood's maximum; the data-based start keeps it near
        using var scope = NewDisposeScope();
        var (g, means) = FactorSimulations.Genotypes(1000, 1000, a: 0.1, seed: 1);
        var options = new FactorFitOptions { Epochs = 50, LearningRate = 0.02, Seed = 1 };
        double truth = FactorSimulations.PoissonLogLikelihood(g, means);
        double fitted = FittedLogLikelihood(g, options);
        double fromFeasible = FittedLogLikelihood(g, options with { CauseInit = Ppl.Inference.Guides.InitStrategies.ToFeasible() });
        string measured = $"nats per person: true means {truth / 1000:F2}, fitted {fitted / 1000:F2}, fitted from the feasible point {fromFeasible / 1000:F2}";
        Assert.True(fitted > truth - 0.01 * Math.Abs(truth), measured); // measured 0.55% below (SVI's noise), the feasible start 3.3%
        Assert.True(fitted > fromFeasible + 0.01 * Math.Abs(truth), measured);
    }

    /// <summary>
    /// Held-out scores against quadrature of log p(A_i | θ̂) = log ∫ Π_j Poisson(A_ij; z θ̂_j) Gamma(z; 0.3, 0.3) dz
    /// (K = 1, over u = log z): the importance-sampled log-likelihood matches it, and the held-out ELBO lies
    /// below it, as every ELBO must. Both are means of per-unit terms, so scoring the units one at a time and
    /// averaging gives the same: a score that let the prior density of the plugged-in loadings in
    /// (log p(θ̂)/N′, which depends on how many units are scored) would not.
    /// </summary>
    [Fact]
    public void HeldOutScoresBoundAndMatchTheMarginalLikelihood()
    {
        using var scope = NewDisposeScope();
        var (all, _, _, _) = FactorSimulations.Logistic(420, 60, 1, seed: 9); // binary, as the film casting
        var (a, test) = (all.narrow(0, 0, 400), all.narrow(0, 400, 20));
        using var fit = FactorModelFitting.Fit(new PoissonFactorization(60, 1), a, options: Options with { Epochs = 60 });

        var theta = fit.CauseMedians()[PoissonFactorization.LoadingsSite].to(float64).squeeze(-1); // [m]
        var u = linspace(-80, 6, 86001, dtype: float64); // log z: Gamma(0.3)'s mass crowds towards z = 0
        var z = u.exp();
        var x = test.to(float64); // 0 or 1, so log A! = 0
        var logLikelihood = x.matmul(z.unsqueeze(-1).mul(theta).log().T).sub(z.unsqueeze(-1).mul(theta).sum([-1L])); // [N, G]
        const double shape = 0.3, rate = 0.3;
        var logPrior = u.mul(shape).sub(z.mul(rate)).add((shape * Math.Log(rate)) - LogGamma(shape)); // Gamma(e^u) e^u
        double exact = logLikelihood.add(logPrior).logsumexp(-1).add(Math.Log(86.0 / 86000)).mean().item<double>();

        double estimate = fit.HeldOutLogLikelihood(test, proposals: 8192, seed: 2);
        double elbo = fit.HeldOutElbo(test, particles: 1024, seed: 2);
        Assert.True(Math.Abs(estimate - exact) < 0.02, $"importance-sampled {estimate:F4} vs quadrature {exact:F4} nats per unit");
        Assert.True(elbo < exact, $"held-out ELBO {elbo:F4} above the log-likelihood {exact:F4}");
        double unitByUnit = Enumerable.Range(0, 20).Average(i => fit.HeldOutElbo(test.narrow(0, i, 1), particles: 1024, seed: 2));
        Assert.True(Math.Abs(unitByUnit - elbo) < 0.1, $"held-out ELBO {elbo:F4} of the 20 units, {unitByUnit:F4} averaged one unit at a time");
    }

    [Fact]
    public void MonteCarloEmSaysItDoesNotSupportPoissonFactorization()
    {
        using var scope = NewDisposeScope();
        var (a, _) = FactorSimulations.Poisson(200, 20, 2, seed: 8);
        var e = Assert.Throws<NotSupportedException>(() => FactorModelFitting.Fit(new PoissonFactorization(20, 2), a, options: Options with { Epochs = 2, EmRounds = 1 }));
        Assert.Contains("EmRounds", e.Message, StringComparison.Ordinal);
    }

    private static double LogGamma(double x) => MathNet.Numerics.SpecialFunctions.GammaLn(x);

    private static double FittedLogLikelihood(Tensor g, FactorFitOptions options)
    {
        using var fit = FactorModelFitting.Fit(new PoissonFactorization((int)g.shape[1], 3), g, options: options);
        return FactorSimulations.PoissonLogLikelihood(g, fit.ReconstructedCauses(fit.SubstituteConfounders(g, null, 0)).to(float64));
    }
}
