using Ppl.Causal;
using Ppl.Inference.FactorModels;
using static TorchSharp.torch;

namespace Ppl.Examples.FilmDeconfounder;

/// <summary>What one deconfounder analysis of a film data set found.</summary>
/// <param name="Scores">The factor models tried, with their held-out log-likelihoods and ELBOs.</param>
/// <param name="Chosen">The model chosen by held-out log-likelihood.</param>
/// <param name="Check">The chosen model's held-out predictive check.</param>
/// <param name="IndependentCheck">The same check of the model with no factors (independent causes).</param>
/// <param name="Estimates">Every actor's effect by each estimator.</param>
/// <param name="AdjustedEffects">The deconfounder's effects by the adjustment formula, for <paramref name="Compared"/> actors.</param>
/// <param name="InterventionalEffects">The same effects by do() on the program.</param>
/// <param name="Compared">The actors whose effects were computed both ways.</param>
/// <param name="Counterfactual">The twin-world query: film, actor dropped, actor cast instead, and the answer.</param>
internal sealed record DeconfounderFindings(
    FactorModelScores Scores,
    string Chosen,
    PredictiveCheckResult Check,
    PredictiveCheckResult IndependentCheck,
    EffectEstimates Estimates,
    IReadOnlyList<double> AdjustedEffects,
    IReadOnlyList<double> InterventionalEffects,
    IReadOnlyList<int> Compared,
    CounterfactualAnswer Counterfactual);

/// <summary>The answer to "how much more would film <paramref name="Film"/> have made had it cast <paramref name="Instead"/> instead of <paramref name="Dropped"/>?".</summary>
internal sealed record CounterfactualAnswer(long Film, int Dropped, int Instead, double Answer, double CoefficientDifference);

/// <summary>The deconfounder's steps on a film data set: model choice, check, effects, queries.</summary>
internal static class DeconfounderAnalysis
{
    /// <summary>Runs every step on <paramref name="data"/>; <paramref name="report"/> hears which step runs.</summary>
    public static DeconfounderFindings Run(FilmData data, DeconfounderSettings settings, long seed, Action<string> report)
    {
        var a = data.Casting;
        int m = (int)a.shape[1];
        var options = new FactorFitOptions { Epochs = settings.Epochs, Seed = (int)seed };
        var validation = rand(data.Films, generator: new Generator((ulong)seed + 17)).lt(0.2);
        var progress = new Progress<string>(name => report($"model choice: {name}"));
        FactorModel[] candidates =
        [
            .. settings.Factors.Select(k => new LogisticFactorModel(m, k)),
            .. settings.Factors.Where(k => k > 0).Select(k => new PoissonFactorization(m, k)),
        ];
        // Adam's step on Poisson factorization's log-rates is a relative change of the rates: at the logistic
        // model's step its fit from the data-based start diverges
        FactorFitOptions OptionsFor(FactorModel model) => model is PoissonFactorization ? options with { LearningRate = 0.02 } : options;
        var scores = FactorModelSelection.Run(candidates, a, validation, OptionsFor, progress);
        var chosen = scores.Best.Model;

        var observed = HeldOutEntries.Draw(data.Films, m, 0.2, seed + 29);
        report($"fit {scores.Best.Name} with 20% of the casting held out");
        var refined = OptionsFor(chosen) with { EmRounds = settings.EmRounds }; // the ELBO shrinks the loadings, and replicas at shrunk loadings fail the check
        using var fit = FactorModelFitting.Fit(chosen, a, observed, refined);
        report("predictive check");
        var check = HeldOutPredictiveCheck.Run(fit, settings.Replications, seed);
        PredictiveCheckResult independent;
        using (var none = FactorModelFitting.Fit(new LogisticFactorModel(m, 0), a, observed, options))
        {
            independent = HeldOutPredictiveCheck.Run(none, settings.Replications, seed);
        }

        // the check validates the model; Ẑ comes from the model fitted to every entry
        report($"fit {scores.Best.Name} to all of the casting");
        using var fitAll = FactorModelFitting.Fit(chosen, a, null, refined);
        report("effects");
        var deconfounder = Deconfounder.Fit(fitAll, data.Revenue);
        var estimates = EffectEstimates.Of(data, deconfounder);
        var compared = Enumerable.Range(0, m).Take(settings.InterventionalCauses ?? m).ToList();
        if (!compared.Contains(m - 1))
        {
            compared[^1] = m - 1; // the planted actor is always among them
        }

        var adjusted = compared.Select(deconfounder.AdjustedEffect).ToList();
        var interventional = new List<double>();
        foreach (int j in compared)
        {
            if (interventional.Count % 50 == 0)
            {
                report($"do(A_j) for actor {interventional.Count + 1} of {compared.Count}");
            }

            interventional.Add(deconfounder.InterventionalEffect(data.Revenue, j, seed));
        }

        report("counterfactual");
        var counterfactual = AskCounterfactual(data, deconfounder, estimates.DeconfoundedMulti, seed);
        return new DeconfounderFindings(scores, scores.Best.Name, check, independent, estimates, adjusted, interventional, compared, counterfactual);
    }

    /// <summary>
    /// Picks the film that cast the actor with the most negative deconfounded effect and not the one with
    /// the most positive, and asks how much more it would have made with the second instead of the first.
    /// </summary>
    private static CounterfactualAnswer AskCounterfactual(FilmData data, Deconfounder deconfounder, Tensor effects, long seed)
    {
        int worst = (int)effects.argmin().item<long>();
        int best = (int)effects.argmax().item<long>();
        var candidates = data.Casting.select(1, worst).eq(1).logical_and(data.Casting.select(1, best).eq(0)).nonzero();
        if (candidates.shape[0] == 0)
        {
            throw new InvalidOperationException($"No film cast actor {worst} without actor {best}; the counterfactual question has no film to ask about.");
        }

        long film = candidates[0, 0].item<long>();
        double answer = deconfounder.Counterfactual(data.Revenue, film, worst, best, seed);
        double difference = effects[best].item<double>() - effects[worst].item<double>();
        return new CounterfactualAnswer(film, worst, best, answer, difference);
    }
}
