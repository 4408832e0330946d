using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// Chooses among factor models (families and numbers of factors) by held-out log-likelihood: each
/// candidate is fitted to the same units, and scored on units it never saw
/// (<see cref="FittedFactorModel.HeldOutLogLikelihood"/>, Z integrated out by importance sampling with the
/// amortized encoder as proposal, so new units need no fitting). The held-out ELBO is reported beside it;
/// it is not what chooses, because its gap to the log-likelihood is the encoder's, and differs between families.
/// </summary>
public static class FactorModelSelection
{
    /// <summary>
    /// Fits every candidate to the units <paramref name="validation"/> leaves out of <paramref name="causes"/>
    /// [N, m] and scores it on those it marks (bool [N]); the result lists the candidates in the order
    /// given, each with its held-out log-likelihood and ELBO per unit, and the best. <paramref name="proposals"/>
    /// importance draws per held-out unit estimate the log-likelihood.
    /// </summary>
    /// <exception cref="ArgumentException">No candidate, a candidate of another width than the causes, or a split with no unit on one side.</exception>
    public static FactorModelScores Run(IReadOnlyList<FactorModel> candidates, Tensor causes, Tensor validation, FactorFitOptions? options = null, IProgress<string>? progress = null, int proposals = 1024) =>
        Run(candidates, causes, validation, _ => options ?? new FactorFitOptions(), progress, proposals);

    /// <summary>
    /// The same, each candidate fitted with its own <paramref name="optionsFor"/>(candidate): families
    /// parametrized differently need different steps (Adam's step on a log-rate is a relative change of the
    /// rate, and Poisson factorization diverges at a step the logistic model takes in its stride).
    /// </summary>
    /// <exception cref="ArgumentException">No candidate, a candidate of another width than the causes, or a split with no unit on one side.</exception>
    public static FactorModelScores Run(IReadOnlyList<FactorModel> candidates, Tensor causes, Tensor validation, Func<FactorModel, FactorFitOptions> optionsFor, IProgress<string>? progress = null, int proposals = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(proposals, 1);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(optionsFor);
        ArgumentNullException.ThrowIfNull(causes);
        ArgumentNullException.ThrowIfNull(validation);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("FactorModelSelection.Run: give at least one candidate model.", nameof(candidates));
        }

        foreach (var model in candidates.Where(c => c.Causes != causes.shape[1]))
        {
            throw new ArgumentException($"FactorModelSelection.Run: {Describe(model)} models {model.Causes} causes, the data has {causes.shape[1]}.", nameof(candidates));
        }

        if (validation.dtype != ScalarType.Bool || validation.shape.Length != 1 || validation.shape[0] != causes.shape[0])
        {
            throw new ArgumentException($"FactorModelSelection.Run: the validation mask must be bool [{causes.shape[0]}]; got {validation.dtype} {Distributions.ShapeUtil.Format(validation.shape)}.", nameof(validation));
        }

        long held = validation.sum().item<long>();
        if (held == 0 || held == causes.shape[0])
        {
            throw new ArgumentException($"FactorModelSelection.Run: the validation mask must leave units on both sides; it marks {held} of {causes.shape[0]}.", nameof(validation));
        }

        using var scope = NewDisposeScope();
        var train = causes.index(validation.logical_not());
        var test = causes.index(validation);
        var scores = new List<FactorModelScore>();
        foreach (var model in candidates)
        {
            progress?.Report(Describe(model));
            var options = optionsFor(model);
            using var fit = FactorModelFitting.Fit(model, train, options: options);
            scores.Add(new FactorModelScore(model, Describe(model), fit.HeldOutLogLikelihood(test, proposals: proposals, seed: options.Seed), fit.HeldOutElbo(test, seed: options.Seed), fit.Losses[^1]));
        }

        return new FactorModelScores(scores);
    }

    /// <summary>A model's family and number of factors, e.g. <c>LogisticFactorModel K=2</c>.</summary>
    public static string Describe(FactorModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"{model.GetType().Name} K={model.Factors}";
    }
}
