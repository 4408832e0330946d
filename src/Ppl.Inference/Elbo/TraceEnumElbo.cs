using System.Collections.Immutable;
using Ppl.Handlers;
using Ppl.Inference.Enumeration;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The ELBO with discrete latents summed out exactly (Pyro's <c>TraceEnum_ELBO</c>). Mark the sites
/// with <see cref="Effects.InferConfig.Enumerate"/> (or wrap the program in
/// <see cref="Poutine.ConfigEnumerate{TArgs, TOut}"/>); each takes its whole support along a dim of its
/// own left of every plate (<see cref="EnumMessenger"/>).
/// <list type="bullet">
/// <item>In the model (the site left out of the guide): the estimate holds log Σ over the values of
/// p(x, z, values), contracted plate by plate (<see cref="PlatedSumProduct"/>).</item>
/// <item>In the guide: every term that depends on the variable is averaged over its values weighted by
/// q, so the expectation over it is exact and needs no score-function term (the semi-supervised VAE's
/// q(y | x)).</item>
/// <item>In the guide, <see cref="Effects.EnumerateMode.Sequential"/>: the guide and model run once per
/// combination of the values of such sites (unbatched ones only), and the estimate is Σ over the runs of
/// q(values) · ELBO(run) — exact in those sites, for guides whose later sites depend on them in ways a
/// batched dim could not express.</item>
/// </list>
/// Gradients flow through the sums to every parameter. The plate nesting is inferred from a first run
/// unless <see cref="Elbo.MaxPlateNesting"/> is set; <see cref="Primitives.Markov{T}"/> loops reuse
/// enumeration dims, so a chain of any length needs only a few.
/// </summary>
/// <remarks>
/// The sites whose log-density depends on a model-enumerated variable must share one scale (subsampling
/// scales the whole sum, as in Pyro). A guide-enumerated variable's q may not depend on another
/// guide-enumerated variable, it may not sit in a Markov loop that recycles dims, and model-enumerated
/// variables may not be more global than the guide-enumerated ones they meet (as in Pyro). When the guide
/// enumerates, its other sites must be reparameterized; otherwise its non-reparameterized sites get
/// score-function terms as in <see cref="TraceElbo"/>.
/// </remarks>
public sealed class TraceEnumElbo : Elbo
{
    /// <inheritdoc />
    private protected override EnumerationHandlers EnumerationHandler { get; } = new(
        firstAvailableDim => new EnumMessenger(firstAvailableDim),
        (firstAvailableDim, guide) => new EnumMessenger(firstAvailableDim, (guide as EnumMessenger)?.HeldDims ?? ImmutableDictionary<int, int>.Empty));

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The sites that depend on model-enumerated variables have different scales, or the guide's enumeration is of a kind not supported (see the remarks).</exception>
    protected override (Tensor Elbo, Tensor Surrogate) ScoreParticles(ElboTraces run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var graph = EnumeratedFactors.Collect(run.Model, nameof(TraceEnumElbo), site => ElboTerms.Mask(site, site.UnscaledLogProb()));
        double scale = SharedScale(graph.Dependent);
        long? particle = run.Layout.Dim is int dim ? run.Model.SampleSites.SelectMany(s => s.Plates).Where(p => p.Dim == dim).Select(p => graph.PlateLabel(p.Name)).FirstOrDefault() : null;

        using var preimages = ElboTerms.Preimages(run);
        var guideGraph = EnumeratedFactors.Collect(run.Guide, nameof(TraceEnumElbo), site => ElboTerms.ScaleAndMask(site, site.UnscaledLogProb()));
        var weights = GuideWeights(run, guideGraph, graph);

        var elbo = ElboTerms.Sum(run.Model, graph.Independent, run.Layout);
        foreach (var (ordinal, factors) in PlatedSumProduct.ContractTree(graph.Tree, graph.Variables))
        {
            foreach (var factor in factors)
            {
                var term = PerParticle(Expected(factor, ordinal, weights), particle, run.Layout);
                elbo = elbo.add(scale == 1.0 ? term : term.mul(scale));
            }
        }

        elbo = elbo.sub(ElboTerms.Sum(run.Guide, guideGraph.Independent, run.Layout, ownDraws: true));
        foreach (var (ordinal, factors) in guideGraph.Tree)
        {
            foreach (var factor in factors)
            {
                elbo = elbo.sub(PerParticle(Expected(factor, ordinal, weights), particle, run.Layout));
            }
        }

        // an enumerated guide leaves no draw without a pathwise gradient (GuideWeights checks it)
        var surrogate = weights.Count == 0 ? ElboTerms.WithScoreFunctionTerms(run, elbo, IsSequential) : elbo;
        if (BranchProbability(run) is not { } probability)
        {
            return (elbo, surrogate);
        }

        // one branch of the guide's sequential enumeration: its share of Σ over the branches of q(branch) · ELBO(branch)
        return (elbo.mul(probability), ReferenceEquals(surrogate, elbo) ? elbo.mul(probability) : surrogate.mul(probability));
    }

    private static bool IsSequential(Site site) => site.Infer.Enumerate == Effects.EnumerateMode.Sequential;

    /// <summary>The probability q gives this branch's values of the guide's sequentially enumerated sites, per particle; null when it has none.</summary>
    private static Tensor? BranchProbability(ElboTraces run)
    {
        Tensor? logProbability = null;
        foreach (var site in run.Guide.LatentSites.Where(IsSequential))
        {
            var term = run.Layout.PerParticle(site.UnscaledLogProb());
            logProbability = logProbability is null ? term : logProbability.add(term);
        }

        return logProbability?.exp();
    }

    /// <summary>The scale every site that depends on a model-enumerated variable shares.</summary>
    private static double SharedScale(List<Site> dependent)
    {
        Site? first = null;
        foreach (var site in dependent)
        {
            if (site.ScaleTensor is not null || (first is not null && first.Scale != site.Scale))
            {
                throw new NotSupportedException(
                    $"TraceEnumElbo: the sites that depend on enumerated variables must share one scale, as their sum is scaled as a whole; '{site.Name}' has {(site.ScaleTensor is null ? site.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture) : "a tensor scale")}"
                    + (first is null ? "." : $", '{first.Name}' {first.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}."));
            }

            first ??= site;
        }

        return first?.Scale ?? 1.0;
    }

    /// <summary>Each guide-enumerated variable's probabilities q (unscaled, unmasked), by symbol, with the plates it lies in; checked to be of the supported kind.</summary>
    private static Dictionary<long, (LogFactor Probs, PlateOrdinal Ordinal)> GuideWeights(ElboTraces run, EnumeratedFactors guide, EnumeratedFactors model)
    {
        var weights = new Dictionary<long, (LogFactor, PlateOrdinal)>();
        if (guide.Variables.Count == 0)
        {
            return weights;
        }

        if (ElboTerms.NonReparameterized(run.Guide).FirstOrDefault(s => s.Infer.Enumeration?.IsEnumerated != true) is { } draw)
        {
            throw new NotSupportedException($"TraceEnumElbo: the guide enumerates some sites, so its other sites must be reparameterized; '{draw.Name}' ({draw.Distribution}) is not. Enumerate it too, or reparameterize it.");
        }

        int held = run.Guide.SampleSites.Select(s => s.Infer.Enumeration?.DimToSymbol.Count ?? 0).DefaultIfEmpty(0).Max();
        if (held < guide.Variables.Count)
        {
            throw new NotSupportedException("TraceEnumElbo: the guide enumerates sites inside a Markov loop that recycles dims; the model could not tell its variables apart. Enumerate such chains in the model instead.");
        }

        foreach (long symbol in guide.Variables)
        {
            var site = guide.SiteOf[symbol];
            var probs = guide.Pack(site, site.UnscaledLogProb(), nameof(TraceEnumElbo));
            if (probs.Labels.Any(l => l >= 0 && l != symbol))
            {
                throw new NotSupportedException($"TraceEnumElbo: guide site '{site.Name}' is enumerated and its q depends on another guide-enumerated variable; only independent guide-enumerated variables are supported. Enumerate the dependent one in the model.");
            }

            var ordinal = new PlateOrdinal(site.Plates.Where(p => p.IsVectorized).Select(p => model.PlateLabel(p.Name)));
            weights[symbol] = (new LogFactor(probs.Value.exp(), probs.Labels), ordinal);
        }

        return weights;
    }

    /// <summary>Σ over the guide-enumerated variables a term has, of the term weighted by their probabilities q (the term itself when it has none).</summary>
    private static LogFactor Expected(LogFactor term, PlateOrdinal ordinal, Dictionary<long, (LogFactor Probs, PlateOrdinal Ordinal)> weights)
    {
        long[] variables = [.. term.Labels.Where(weights.ContainsKey)];
        if (variables.Length == 0)
        {
            return term;
        }

        long[] labels = [.. term.Labels.Union(variables.SelectMany(v => weights[v].Probs.Labels))];
        var value = term.AlignedTo(labels);
        foreach (long variable in variables)
        {
            var (probs, plates) = weights[variable];
            if (!plates.IsSubsetOf(ordinal))
            {
                throw new NotSupportedException(
                    $"TraceEnumElbo: a term in plates {ordinal} depends on a guide-enumerated variable in plates {plates}: a model-enumerated variable more global than the guide's ties the guide's values together across the plate. Enumerate both in the model, or both in the guide.");
            }

            value = value.mul(probs.AlignedTo(labels));
        }

        var weighted = new LogFactor(value, labels);
        return weighted.Sum(variables);
    }

    /// <summary>A contracted factor (plate dims only) summed to the particle layout: <c>[Count]</c> when vectorized, <c>[]</c> otherwise.</summary>
    private static Tensor PerParticle(LogFactor factor, long? particle, ParticleLayout layout)
    {
        if (particle is long label && factor.Has(label))
        {
            var summed = factor.Sum(factor.Labels.Where(l => l != label));
            return summed.Value;
        }

        var total = factor.Value.dim() == 0 ? factor.Value : factor.Value.sum();
        return layout.Dim is null ? total : total.expand(layout.Count);
    }
}
