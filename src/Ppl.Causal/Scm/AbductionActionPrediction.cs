using Ppl.Inference;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Counterfactuals in Pearl's three steps, each a separate call:
/// <list type="number">
/// <item><b>Abduction</b> — the posterior of the latent noise given the evidence: by importance
/// sampling from the prior (<see cref="AbductByImportance{TArgs}"/>) or from a guide fitted by SVI
/// (<see cref="AbductByGuide{TArgs}"/>). Noise of observed sites with an invertible mechanism
/// (additive/location-scale, transformed, Gumbel-max) needs no inference: it is recovered exactly.</item>
/// <item><b>Action</b> and <b>prediction</b> — <see cref="Predict{TArgs}"/> runs the intervened model
/// with each draw's noise held fixed, in one vectorized twin-world run.</item>
/// </list>
/// <see cref="CausalQueries.Counterfactual{TArgs}"/> does all three in one run; this split lets you
/// reuse one abduction for many interventions, or abduct with a better posterior than the prior.
/// Every step runs the model vectorized over its draws, as the queries do: calling it is asking for
/// that (see the remarks on <see cref="CausalQueries"/>).
/// </summary>
public static class AbductionActionPrediction
{
    /// <summary>Abduction by likelihood weighting: <paramref name="draws"/> prior draws weighted by the evidence.</summary>
    /// <exception cref="ArgumentException">An evidence name is not a sample site of the model, or its tensor does not have exactly the site's shape (see <see cref="CausalQueries"/>).</exception>
    /// <exception cref="InvalidOperationException">The evidence has zero likelihood in every draw.</exception>
    public static NoisePosterior AbductByImportance<TArgs>(Func<TArgs, object?> model, TArgs args, IReadOnlyDictionary<string, Tensor> evidence, int draws, long? seed = null)
    {
        const string query = "AbductionActionPrediction.AbductByImportance";
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(evidence);
        ModelSites.Probe(query, model, args).CheckEvidence(evidence);
        var conditioned = model.Condition(evidence);
        var result = new Importance<TArgs>(conditioned, null, draws, parallel: true).Run(args, seed);
        try
        {
            if (!Distributions.Kernels.IsMeta(result.LogWeights))
            {
                ZeroLikelihood.Require(query, result.LogWeights, () => ZeroLikelihood.ImpossibleSites(conditioned, args, draws, seed));
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }

        return new NoisePosterior(result, evidence, LatentNames(conditioned, args));
    }

    /// <summary>
    /// Abduction with a guide already fitted (e.g. by <see cref="Svi{TArgs}"/>) to the model
    /// conditioned on <paramref name="evidence"/>: <paramref name="draws"/> unweighted guide draws.
    /// </summary>
    /// <exception cref="ArgumentException">An evidence name is not a sample site of the model, or its tensor does not have exactly the site's shape.</exception>
    public static NoisePosterior AbductByGuide<TArgs>(
        Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args, IReadOnlyDictionary<string, Tensor> evidence, int draws, ParamStore? paramStore = null, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(guide);
        ArgumentNullException.ThrowIfNull(evidence);
        ModelSites.Probe("AbductionActionPrediction.AbductByGuide", model, args).CheckEvidence(evidence);
        var result = new Importance<TArgs>(guide, null, draws, paramStore, parallel: true).Run(args, seed);
        return new NoisePosterior(result, evidence, LatentNames(model.Condition(evidence), args));
    }

    /// <summary>
    /// Action and prediction: E[<paramref name="outcome"/>] in the world where
    /// <paramref name="actions"/> are applied and every draw's noise is held at its abducted value,
    /// weighted by the abduction's weights, with those weighted counterfactual draws
    /// (<see cref="CausalEstimate.Samples"/>: the counterfactual distribution's variance and quantiles).
    /// </summary>
    /// <exception cref="ArgumentException">The outcome or an intervened site is not a site of the model, or an intervention value is wider than its site.</exception>
    public static CausalEstimate Predict<TArgs>(
        NoisePosterior posterior, Func<TArgs, object?> model, TArgs args, IReadOnlyDictionary<string, Intervention> actions, string outcome, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        var sites = ModelSites.Probe("AbductionActionPrediction.Predict", model, args, actions);
        sites.RequireSite(outcome, "outcome");
        sites.CheckInterventions();
        using var scope = NewDisposeScope();
        int draws = posterior.Draws;
        int dim = CausalQueries.WorldDim - 1;
        var fixedNoise = posterior.LatentSites.ToDictionary(
            name => name,
            name =>
            {
                var values = posterior[name];
                int lift = -dim - 1 - ((int)values.dim() - 1);
                return values.reshape([draws, .. Enumerable.Repeat(1L, lift), .. values.Shape()[1..]]);
            },
            StringComparer.Ordinal);
        var twin = new[] { new WorldDim(TwinWorldCounterfactual.IndexName, CausalQueries.WorldDim, 2) };
        var query = model.Condition(posterior.Evidence).Substitute(fixedNoise).Intervene(actions).TwinWorld(CausalQueries.WorldDim).With(() => new OutcomeRecorder(outcome));
        Func<TArgs, object?> vectorized = a =>
        {
            using var plate = Primitives.Plate("_abducted_draws", draws, dim: dim);
            return query(a);
        };
        Trace trace;
        using (no_grad())
        {
            trace = seed is long s ? vectorized.Seed(s).GetTrace(args) : vectorized.GetTrace(args);
        }

        var values = WorldTensors.Gather(trace[OutcomeRecorder.SiteName].Value!, TwinWorldCounterfactual.CounterfactualWorld, twin)
            .to(float64).movedim([dim], [0L]).reshape(draws, -1).mean([1L]);
        return CausalQueries.WeightedEstimate(values, posterior.Weights.to(float64)).Escape();
    }

    private static List<string> LatentNames<TArgs>(Func<TArgs, object?> model, TArgs args)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            return model.GetTrace(args).LatentSites.Where(s => !s.Infer.IsAuxiliary).Select(s => s.Name).ToList();
        }
    }
}
