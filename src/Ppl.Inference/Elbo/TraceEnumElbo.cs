using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Inference.Enumeration;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The ELBO with the model's discrete latents summed out exactly (Pyro's <c>TraceEnum_ELBO</c>, for
/// enumeration in the model). Mark the sites with <see cref="InferConfig.Enumerate"/> (or wrap the model
/// in <see cref="Poutine.ConfigEnumerate{TArgs, TOut}"/>) and leave them out of the guide: each takes its
/// whole support along a dim of its own left of every plate (<see cref="EnumMessenger"/>), and the
/// estimate is log Σ over their values of p(x, z, values), contracted plate by plate
/// (<see cref="PlatedSumProduct"/>), plus the other model terms, minus log q at the guide's draws.
/// Gradients flow through the sum to every parameter. The plate nesting is inferred from a first run
/// unless <see cref="Elbo.MaxPlateNesting"/> is set; <see cref="Primitives.Markov{T}"/> loops reuse
/// enumeration dims, so a chain of any length needs only a few.
/// </summary>
/// <remarks>
/// The sites whose log-density depends on an enumerated variable must share one scale (subsampling
/// scales the whole sum, as in Pyro). Enumeration in the guide is not available yet; a guide site
/// marked for enumeration is an error. The guide's non-reparameterized sites get score-function terms
/// as in <see cref="TraceElbo"/>.
/// </remarks>
public sealed class TraceEnumElbo : Elbo
{
    /// <inheritdoc />
    private protected override Func<int, Messenger> EnumerationHandler => firstAvailableDim => new EnumMessenger(firstAvailableDim);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A guide site is marked for enumeration, or the sites that depend on enumerated variables have different scales.</exception>
    protected override (Tensor Elbo, Tensor Surrogate) ScoreParticles(ElboTraces run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Guide.SampleSites.FirstOrDefault(s => s.Infer.Enumerate is not null) is { } guideSite)
        {
            throw new NotSupportedException($"TraceEnumElbo: guide site '{guideSite.Name}' is marked for enumeration; only the model's discrete latents can be enumerated so far. Remove the site from the guide and mark it in the model.");
        }

        var plates = new Dictionary<string, long>(StringComparer.Ordinal);
        long PlateLabel(string name) => plates.TryGetValue(name, out long label) ? label : plates[name] = -(plates.Count + 1);

        var symbols = run.Model.SampleSites.Select(s => s.Infer.Enumeration).Where(e => e is { IsEnumerated: true }).Select(e => (long)e!.Symbol!.Value).ToHashSet();
        var tree = new Dictionary<PlateOrdinal, List<LogFactor>>();
        var costs = new List<Site>();
        Site? scaleSite = null;
        foreach (var site in run.Model.SampleSites)
        {
            var record = site.Infer.Enumeration ?? throw new InvalidOperationException($"TraceEnumElbo: model site '{site.Name}' did not run under enumeration.");
            var packed = Pack(site, ElboTerms.Mask(site, site.UnscaledLogProb()), record, PlateLabel);
            if (!record.IsEnumerated && !packed.Labels.Any(symbols.Contains))
            {
                costs.Add(site);
                continue;
            }

            if (site.ScaleTensor is not null || (scaleSite is not null && scaleSite.Scale != site.Scale))
            {
                throw new NotSupportedException(
                    $"TraceEnumElbo: the sites that depend on enumerated variables must share one scale, as their sum is scaled as a whole; '{site.Name}' has {(site.ScaleTensor is null ? site.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture) : "a tensor scale")}"
                    + (scaleSite is null ? "." : $", '{scaleSite.Name}' {scaleSite.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}."));
            }

            scaleSite ??= site;
            var ordinal = new PlateOrdinal(site.Plates.Where(p => p.IsVectorized).Select(p => PlateLabel(p.Name)));
            (tree.TryGetValue(ordinal, out var list) ? list : tree[ordinal] = []).Add(packed);
        }

        long? particle = run.Layout.Dim is int dim ? run.Model.SampleSites.SelectMany(s => s.Plates).Where(p => p.Dim == dim).Select(p => PlateLabel(p.Name)).FirstOrDefault() : null;
        var elbo = ElboTerms.Sum(run.Model, costs, run.Layout);
        foreach (var factor in PlatedSumProduct.ContractTree(tree, symbols).Values.SelectMany(f => f))
        {
            var term = PerParticle(factor, particle, run.Layout);
            elbo = elbo.add(scaleSite!.Scale == 1.0 ? term : term.mul(scaleSite.Scale));
        }

        using (ElboTerms.Preimages(run))
        {
            elbo = elbo.sub(ElboTerms.Sum(run.Guide, ElboTerms.GuideSites(run.Guide), run.Layout, ownDraws: true));
        }

        return (elbo, ElboTerms.WithScoreFunctionTerms(run, elbo));
    }

    /// <summary>A site's log-density with its dims named: enumeration dims by the variable that held them when the site ran, plate dims by plate.</summary>
    private static LogFactor Pack(Site site, Tensor logProb, EnumerationRecord record, Func<string, long> plateLabel)
    {
        var shape = logProb.shape;
        var labels = new List<long>();
        var sizes = new List<long>();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            int dim = axis - shape.Length;
            if (shape[axis] == 1)
            {
                continue;
            }

            if (record.DimToSymbol.TryGetValue(dim, out int symbol))
            {
                labels.Add(symbol);
            }
            else if (site.Plates.FirstOrDefault(p => p.Dim == dim) is { } frame)
            {
                labels.Add(plateLabel(frame.Name));
            }
            else
            {
                throw new InvalidOperationException(
                    $"TraceEnumElbo: site '{site.Name}' has a log-density of shape [{string.Join(", ", shape)}] whose dim {dim} (size {shape[axis]}) belongs to no plate and no enumerated variable. "
                    + "Declare batch dims with Plate (or move them to the event with ToEvent), and set MaxPlateNesting if the inferred nesting is too small.");
            }

            sizes.Add(shape[axis]);
        }

        return new LogFactor(logProb.reshape([.. sizes]), [.. labels]);
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
