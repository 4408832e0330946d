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

    [Fact]
    public void MonteCarloEmSaysItDoesNotSupportPoissonFactorization()
    {
        using var scope = NewDisposeScope();
        var (a, _) = FactorSimulations.Poisson(200, 20, 2, seed: 8);
        var e = Assert.Throws<NotSupportedException>(() => FactorModelFitting.Fit(new PoissonFactorization(20, 2), a, options: Options with { Epochs = 2, EmRounds = 1 }));
        Assert.Contains("EmRounds", e.Message, StringComparison.Ordinal);
    }

    private static double FittedLogLikelihood(Tensor g, FactorFitOptions options)
    {
        using var fit = FactorModelFitting.Fit(new PoissonFactorization((int)g.shape[1], 3), g, options: options);
        return FactorSimulations.PoissonLogLikelihood(g, fit.ReconstructedCauses(fit.SubstituteConfounders(g, null, 0)).to(float64));
    }
}
