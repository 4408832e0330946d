using Ppl.Handlers;
using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The check that a weighted query has at least one draw of positive, finite weight. When none has,
/// normalizing the weights divides zero by zero and the answer is NaN ± NaN; this says instead that
/// the evidence (or, for a backdoor adjustment, the treatment value) has zero likelihood, and which
/// observed sites have log-density −∞ in every draw.
/// </summary>
internal static class ZeroLikelihood
{
    /// <summary>Throws unless some draw of <paramref name="logWeights"/> (shape <c>[draws]</c>) has a finite log-weight.</summary>
    /// <param name="query">The query, for the message.</param>
    /// <param name="logWeights">The draws' log-weights.</param>
    /// <param name="impossibleSites">Finds the observed sites with log-density −∞ in every draw; called only on failure.</param>
    /// <exception cref="InvalidOperationException">No draw has positive finite weight, or some log-weight is NaN or +∞.</exception>
    public static void Require(string query, Tensor logWeights, Func<IReadOnlyList<string>> impossibleSites)
    {
        if (double.IsNegativeInfinity(RequireNoNanOrInfinity(query, logWeights)))
        {
            throw new InvalidOperationException(
                $"{query}: the evidence has zero likelihood under the model: all {logWeights.NumberOfElements} draws have weight 0 (log-weight −∞). "
                + Blame(impossibleSites(), "every draw")
                + "Check the evidence against the support of its sites (a value the model cannot produce), or the model.");
        }
    }

    /// <summary>Throws when a log-weight is NaN or +∞ (either makes every normalized weight NaN); returns the largest.</summary>
    public static double RequireNoNanOrInfinity(string query, Tensor logWeights)
    {
        double max = logWeights.max().to(float64).item<double>(); // max propagates NaN; item<double> of a float32 model's weights would throw
        if (double.IsNaN(max))
        {
            throw new InvalidOperationException(
                $"{query}: some draws have a NaN log-weight: a log-density of the model evaluated to NaN (e.g. a parameter out of its domain, or 0·∞). Check the model's parameters.");
        }

        if (double.IsPositiveInfinity(max))
        {
            throw new InvalidOperationException($"{query}: some draws have log-weight +∞: an observed site has infinite density (a degenerate distribution?).");
        }

        return max;
    }

    /// <summary>
    /// The observed sites of a vectorized run of <paramref name="program"/> (laid out as
    /// <see cref="Importance{TArgs}"/>'s parallel run, with the same seed, so the same draws) whose
    /// log-density is −∞ in every draw.
    /// </summary>
    public static IReadOnlyList<string> ImpossibleSites<TArgs>(Func<TArgs, object?> program, TArgs args, int draws, long? seed)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            int nesting = Vectorization.InferNesting(program, null, args);
            var layout = new ParticleLayout(draws, -(nesting + 1));
            Trace trace;
            using (seed is long s ? new SeedMessenger(s).Install() : default)
            {
                trace = Vectorization.InPlate(program, Importance<TArgs>.SamplePlate, layout).GetTrace(args);
            }

            return trace.ObservedSites.Where(site => layout.PerParticle(site.LogProb()).isneginf().all().item<bool>()).Select(site => site.Name).ToList();
        }
    }

    /// <summary>A sentence naming <paramref name="sites"/>, or saying that no single site is to blame.</summary>
    public static string Blame(IReadOnlyList<string> sites, string where) => sites.Count switch
    {
        0 => $"No single observed site has log-density −∞ in {where}: their combination is impossible. ",
        1 => $"The observed site '{sites[0]}' has log-density −∞ in {where}. ",
        _ => $"The observed sites {string.Join(", ", sites.Select(s => $"'{s}'"))} have log-density −∞ in {where}. ",
    };
}
