using Ppl.Inference.FactorModels;
using Ppl.Testing;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.FactorModels;

/// <summary>
/// The logistic factor model fitted by SVI on data drawn from it: the held-out scores prefer the true
/// number of factors, the predictive check passes it and rejects independent causes, and the
/// substitute confounder is the posterior mean (against quadrature).
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class LogisticFactorModelTests
{
    private const int Causes = 60;

    [Fact]
    public void HeldOutScoresPreferTheTrueNumberOfFactors()
    {
        using var scope = NewDisposeScope();
        var (a, _, _, _) = FactorSimulations.Logistic(1200, Causes, 2, seed: 1);
        var validation = arange(1200).remainder(5).eq(0);
        var scores = FactorModelSelection.Run([new LogisticFactorModel(Causes, 0), new LogisticFactorModel(Causes, 1), new LogisticFactorModel(Causes, 2)], a, validation, new FactorFitOptions { Epochs = 60 });
        var elbo = scores.Scores.Select(s => s.HeldOutElbo).ToArray();
        var logLikelihood = scores.Scores.Select(s => s.HeldOutLogLikelihood).ToArray();
        Assert.Equal("LogisticFactorModel K=2", scores.Best.Name);
        Assert.Equal("LogisticFactorModel K=2", scores.BestByElbo.Name);
        Assert.True(logLikelihood[2] > logLikelihood[1] + 1 && logLikelihood[1] > logLikelihood[0] + 1, $"held-out log-likelihood per unit K=0..2: {string.Join(", ", logLikelihood)}");
        Assert.True(elbo[2] > elbo[1] + 1 && elbo[1] > elbo[0] + 1, $"held-out ELBO per unit K=0..2: {string.Join(", ", elbo)}");
        Assert.All(Enumerable.Range(1, 2), k => Assert.True(elbo[k] < logLikelihood[k], $"K = {k}: ELBO {elbo[k]:F3} above the log-likelihood {logLikelihood[k]:F3}"));
    }

    /// <summary>
    /// The check's calibration: with θ at the truth (rotated onto the fit's latent axes, which the
    /// isotropic prior leaves free) the per-unit p-values are uniform and the check passes; the model
    /// without factors fails it by far, while Wang &amp; Blei's average of the same p-values cannot tell.
    /// </summary>
    [Fact]
    public void PredictiveCheckPassesTheTrueModelAndRejectsIndependentCauses()
    {
        using var scope = NewDisposeScope();
        const int units = 2000, causes = 100;
        var (a, _, theta, bias) = FactorSimulations.Logistic(units, causes, 2, seed: 2, loading: 1.5);
        var observed = HeldOutEntries.Draw(units, causes, 0.2, seed: 3);
        using var right = FactorModelFitting.Fit(new LogisticFactorModel(causes, 2), a, observed, new FactorFitOptions { Epochs = 100 });
        using var none = FactorModelFitting.Fit(new LogisticFactorModel(causes, 0), a, observed, new FactorFitOptions { Epochs = 100 });

        var fitted = right.CauseMedians()[LogisticFactorModel.LoadingsSite].to(float64);
        var (u, _, vt) = linalg.svd(theta.T.matmul(fitted), fullMatrices: false); // Procrustes: the rotation taking θ closest to the fit
        right.Store.SetUnconstrained("AutoNormal.locs." + LogisticFactorModel.LoadingsSite, theta.matmul(u.matmul(vt)).to(float32));
        right.Store.SetUnconstrained(LogisticFactorModel.BiasParam, bias.to(float32));

        var pass = HeldOutPredictiveCheck.Run(right, replications: 60, seed: 4);
        var fail = HeldOutPredictiveCheck.Run(none, replications: 60, seed: 4);
        Assert.True(pass.Passes(0.05), $"true θ: χ² {pass.ChiSquare:F1}, p {pass.PValue:F3}, deciles {Deciles(pass)}");
        Assert.True(fail.PValue < 1e-6, $"K = 0: χ² {fail.ChiSquare:F1}, p {fail.PValue:G3}, deciles {Deciles(fail)}");
        Assert.InRange(fail.UnitAveragePValue, 0.4, 0.65);
        Assert.Equal(units, pass.UnitPValues.Count);
        Assert.All(pass.UnitPValues, p => Assert.InRange(p, 0.0, 1.0));
    }

    /// <summary>
    /// The ELBO's optimum shrinks the loadings towards 0, and Monte Carlo EM moves them back: the fitted
    /// θ̂'s Gram matrix θ̂ᵀθ̂ (its eigenvalues do not depend on the latent axes' rotation) against the
    /// truth's, and the held-out check passes at EM's θ̂ with no help from the truth.
    /// </summary>
    [Fact]
    public void MonteCarloEmMovesTheShrunkLoadingsBackTowardsTheTruth()
    {
        using var scope = NewDisposeScope();
        const int units = 2000, causes = 100;
        var (a, _, theta, _) = FactorSimulations.Logistic(units, causes, 2, seed: 2, loading: 1.5);
        var observed = HeldOutEntries.Draw(units, causes, 0.2, seed: 3);
        using var svi = FactorModelFitting.Fit(new LogisticFactorModel(causes, 2), a, observed, new FactorFitOptions { Epochs = 300 });
        using var em = FactorModelFitting.Fit(new LogisticFactorModel(causes, 2), a, observed, new FactorFitOptions { Epochs = 300, EmRounds = 2 });

        var truth = GramEigenvalues(theta);
        var shrunk = GramEigenvalues(svi.CauseMedians()[LogisticFactorModel.LoadingsSite]).Zip(truth, (f, t) => f / t).ToArray();
        var restored = GramEigenvalues(em.CauseMedians()[LogisticFactorModel.LoadingsSite]).Zip(truth, (f, t) => f / t).ToArray();
        var emCheck = HeldOutPredictiveCheck.Run(em, replications: 60, seed: 4);
        string report = $"Gram eigenvalues ÷ truth: SVI {string.Join(", ", shrunk.Select(r => r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}, EM {string.Join(", ", restored.Select(r => r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}; check p at EM's θ̂ {emCheck.PValue:G3}; EM objectives {string.Join(", ", em.EmObjectives.Select(o => o.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}";
        Assert.All(restored, r => Assert.True(Math.Abs(r - 1) < 0.2, report)); // measured: SVI 0.79, 0.69; EM 0.86, 0.82
        Assert.All(shrunk.Zip(restored), p => Assert.True(Math.Abs(p.Second - 1) < Math.Abs(p.First - 1), report));
        Assert.True(emCheck.Passes(0.05), report);
        Assert.Equal(2, em.EmObjectives.Count);
        Assert.True(em.EmObjectives[^1] >= em.EmObjectives[0], report);
    }

    private static double[] GramEigenvalues(Tensor loadings)
    {
        var l = loadings.to(float64);
        return linalg.eigvalsh(l.T.matmul(l)).data<double>().ToArray();
    }

    private static string Deciles(PredictiveCheckResult check) =>
        string.Join(" ", Enumerable.Range(0, 10).Select(d => check.UnitPValues.Count(p => Math.Min(9, (int)(p * 10)) == d)));

    /// <summary>
    /// Ẑ by importance sampling is E[Z_i | A_i] under the fitted θ: against the posterior mean by
    /// quadrature on a grid of Z (K = 1), computed from the fitted loadings and biases.
    /// </summary>
    [Fact]
    public void SubstituteConfounderIsThePosteriorMeanUnderTheFittedModel()
    {
        using var scope = NewDisposeScope();
        var (a, _, _, _) = FactorSimulations.Logistic(400, 30, 1, seed: 5);
        using var fit = FactorModelFitting.Fit(new LogisticFactorModel(30, 1), a, options: new FactorFitOptions { Epochs = 40 });
        var zhat = fit.SubstituteConfounders(a, proposals: 16384).to(float64).squeeze(-1);

        var theta = fit.CauseMedians()[LogisticFactorModel.LoadingsSite].to(float64).squeeze(-1); // [m]
        var bias = fit.Parameter(LogisticFactorModel.BiasParam).to(float64);
        var grid = linspace(-6, 6, 2401, dtype: float64); // [G]
        var logits = grid.unsqueeze(-1).mul(theta).add(bias); // [G, m]
        var x = a.to(float64);
        var logLik = x.matmul(logits.T).sub(logits.exp().log1p().sum([-1L])); // [N, G]
        var logPost = logLik.sub(grid.square().div(2));
        var exact = logPost.softmax(-1).mul(grid).sum([-1L]);

        double worst = zhat.sub(exact).abs().max().item<double>();
        Assert.True(worst < 0.02, $"largest |Ẑ − E[Z | A]| = {worst:F4}");
        double encoderWorst = fit.SubstituteConfounders(a, proposals: 0).to(float64).squeeze(-1).sub(exact).abs().max().item<double>();
        Assert.True(encoderWorst > worst, $"the encoder's own mean ({encoderWorst:F4}) should be the coarser estimate");
    }

    /// <summary>
    /// The held-out log-likelihood is log ∫ p(A_i | Z, θ̂) p(Z) dZ of new units under the fitted model: against
    /// quadrature on a grid of Z (K = 1), averaged over the units, and above the held-out ELBO by the encoder's gap. Without
    /// factors it is the exact Bernoulli log-likelihood at the fitted margins.
    /// </summary>
    [Fact]
    public void HeldOutLogLikelihoodIsTheMarginalLikelihoodUnderTheFittedModel()
    {
        using var scope = NewDisposeScope();
        var (all, _, _, _) = FactorSimulations.Logistic(600, 30, 1, seed: 6);
        var (a, test) = (all.narrow(0, 0, 400), all.narrow(0, 400, 200));
        using var fit = FactorModelFitting.Fit(new LogisticFactorModel(30, 1), a, options: new FactorFitOptions { Epochs = 40 });

        var theta = fit.CauseMedians()[LogisticFactorModel.LoadingsSite].to(float64).squeeze(-1); // [m]
        var bias = fit.Parameter(LogisticFactorModel.BiasParam).to(float64);
        var grid = linspace(-8, 8, 3201, dtype: float64); // [G]
        var logits = grid.unsqueeze(-1).mul(theta).add(bias); // [G, m]
        var x = test.to(float64);
        var logJoint = x.matmul(logits.T).sub(logits.exp().log1p().sum([-1L])) // log p(A_i | z) [N, G]
            .sub(grid.square().div(2)).sub(0.5 * Math.Log(2 * Math.PI)); // + log N(z; 0, 1)
        var exact = logJoint.logsumexp(-1).add(Math.Log(16.0 / 3200)); // the grid's rectangle rule
        double exactMean = exact.mean().item<double>();

        double estimate = fit.HeldOutLogLikelihood(test, proposals: 4096, seed: 1);
        Assert.True(Math.Abs(estimate - exactMean) < 0.01, $"importance-sampled {estimate:F4} vs quadrature {exactMean:F4} nats per unit");
        Assert.Equal(estimate, fit.HeldOutLogLikelihood(test, proposals: 4096, seed: 1)); // seeded: the same draws
        double elbo = fit.HeldOutElbo(test, particles: 64);
        Assert.True(elbo < exactMean - 0.01, $"held-out ELBO {elbo:F4} should lie below the log-likelihood {exactMean:F4}");

        using var none = FactorModelFitting.Fit(new LogisticFactorModel(30, 0), a, options: new FactorFitOptions { Epochs = 5 });
        var margin = none.Parameter(LogisticFactorModel.BiasParam).to(float64); // [m] logits
        double bernoulli = x.mul(margin).sub(margin.exp().log1p()).sum().item<double>() / 200;
        Assert.Equal(bernoulli, none.HeldOutLogLikelihood(test), 4);
        Assert.Equal(bernoulli, none.HeldOutElbo(test), 4);

        // a mask of the wrong shape is refused by the model's own check, not broadcast, with or without factors
        using var rowMask = ones(1, 30, dtype: ScalarType.Bool);
        foreach (var fitted in new[] { fit, none })
        {
            var e = Assert.ThrowsAny<Exception>(() => fitted.HeldOutLogLikelihood(test, rowMask));
            Assert.Contains("[1, 30]", e.ToString(), StringComparison.Ordinal);
        }
    }
}
