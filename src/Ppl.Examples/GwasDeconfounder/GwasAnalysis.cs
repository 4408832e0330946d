using Ppl.Causal;
using Ppl.Inference.FactorModels;
using static TorchSharp.torch;

namespace Ppl.Examples.GwasDeconfounder;

/// <summary>One way of estimating every SNP's effect, and its errors against the truth.</summary>
/// <param name="Name">The adjustment: none, the true groups, or a factor model.</param>
/// <param name="PaperError">Mean |β̂_j − β_j| of Wang &amp; Blei's estimator (their <c>linear_rmse_sing</c>).</param>
/// <param name="PaperRmse">Root mean square error of the same estimates.</param>
/// <param name="LeastSquaresRmse">Root mean square error of the unpenalized per-SNP regression adjusting for Ẑ (the deconfounder as Ppl's library computes it; for none and the groups the same regression without Ẑ or with the groups).</param>
internal sealed record GwasMethodError(string Name, double PaperError, double PaperRmse, double LeastSquaresRmse);

/// <summary>What Simulation B found on one data set.</summary>
/// <param name="Structure">The Beta(a, a) parameter a.</param>
/// <param name="Causes">SNPs left after dropping those without variation.</param>
/// <param name="Methods">The errors of every adjustment.</param>
internal sealed record GwasFindings(double Structure, int Causes, IReadOnlyList<GwasMethodError> Methods);

/// <summary>
/// The factor-model comparison of Wang &amp; Blei's GWAS simulation: per-SNP effects with no adjustment,
/// adjusting for the true population groups, and deconfounded by PPCA, Poisson factorization and the
/// logistic (binomial-logit, two trials) factor model, each scored against the true effects.
/// </summary>
internal static class GwasAnalysis
{
    /// <summary>Wang &amp; Blei's per-cause penalty: scikit-learn's <c>Ridge(alpha=4, normalize=True)</c>.</summary>
    public const double PaperRidge = 4;

    /// <summary>The share of people Wang &amp; Blei's regressions train on (<c>train_test_split(test_size=0.2)</c>).</summary>
    public const double PaperTrainingShare = 0.8;

    /// <summary>The reference row: every effect estimated as 0 (Wang &amp; Blei's "trivial" error).</summary>
    public const string ZeroEstimate = "β̂ = 0 (reference)";

    /// <summary>Fits the three factor models to <paramref name="data"/>'s genotypes and scores every adjustment; <paramref name="report"/> hears which step runs.</summary>
    public static GwasFindings Run(GwasData data, double structure, GwasSettings settings, long seed, Action<string> report)
    {
        using var scope = NewDisposeScope();
        var g = data.Genotypes;
        int m = data.Causes;
        var training = randperm(data.Units, generator: new Generator((ulong)seed + 123)).narrow(0, 0, (long)(PaperTrainingShare * data.Units));
        double zeroAbs = data.Effects.abs().mean().item<double>(), zeroRms = data.Effects.square().mean().sqrt().item<double>();
        var methods = new List<GwasMethodError>
        {
            new(ZeroEstimate, zeroAbs, zeroRms, zeroRms),
            Score("no control", data, training, g, null, null),
            Score("oracle (true groups)", data, training, g, data.Groups.unsqueeze(-1), data.Groups.unsqueeze(-1)),
        };

        var options = new FactorFitOptions { Epochs = settings.Epochs, Seed = (int)seed };
        (string Name, FactorModel Model, FactorFitOptions Options, bool Residual)[] models =
        [
            ("PPCA", new ProbabilisticPca(m, settings.Factors), options, false),
            ("Poisson factorization", new PoissonFactorization(m, settings.Factors), options with { LearningRate = 0.02 }, true),
            ("logistic factor model", new LogisticFactorModel(m, settings.Factors, trials: 2), options, true),
        ];
        foreach (var (name, model, fitOptions, residual) in models)
        {
            report($"fit {name}");
            using var fit = FactorModelFitting.Fit(model, g, null, fitOptions);
            report($"effects adjusted by {name}");
            var substitute = fit.SubstituteConfounders(g, null, settings.Proposals);

            // as Wang & Blei's causalest.py: PPCA's Ẑ joins each SNP's regression; for Poisson and logistic
            // factorization each SNP is replaced by its residual from the reconstruction, G_j − Â_j
            var residuals = g.sub(fit.ReconstructedCauses(substitute));
            methods.Add(residual
                ? Score(name, data, training, residuals, null, substitute)
                : Score(name, data, training, g, substitute, substitute));
            if (!residual)
            {
                // the same family with the other families' estimator: which of the two makes the difference
                methods.Add(Score($"{name}, residual G − Â", data, training, residuals, null, substitute));
            }
        }

        return new GwasFindings(structure, m, methods);
    }

    /// <summary>Scores Wang &amp; Blei's estimator (causes <paramref name="paperCauses"/>, adjusting for <paramref name="paperAdjustment"/>) and least squares on the genotypes adjusting for <paramref name="adjustment"/>.</summary>
    private static GwasMethodError Score(string name, GwasData data, Tensor training, Tensor paperCauses, Tensor? paperAdjustment, Tensor? adjustment)
    {
        using var scope = NewDisposeScope();
        var paper = CauseEffects.SingleCause(
            paperCauses.index_select(0, training),
            data.Trait.index_select(0, training),
            paperAdjustment?.index_select(0, training),
            PaperRidge);
        var leastSquares = CauseEffects.SingleCause(data.Genotypes, data.Trait, adjustment);
        var error = paper.sub(data.Effects);
        return new GwasMethodError(
            name,
            error.abs().mean().item<double>(),
            error.square().mean().sqrt().item<double>(),
            leastSquares.sub(data.Effects).square().mean().sqrt().item<double>());
    }
}
