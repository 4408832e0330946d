using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>The per-particle sums every ELBO is built from.</summary>
internal static class ElboTerms
{
    /// <summary>Σ over the model's sample sites of the scaled, masked log-density, per particle.</summary>
    public static Tensor ModelLogJoint(ElboTraces run) => Sum(run.Model, run.Model.SampleSites, run.Layout);

    /// <summary>Σ over the guide's latent sites of the scaled, masked log-density, per particle.</summary>
    public static Tensor GuideLogDensity(ElboTraces run) => Sum(run.Guide, run.Guide.LatentSites, run.Layout);

    /// <summary>The guide's latent sites drawn without a pathwise gradient (they need score-function terms).</summary>
    public static IEnumerable<Site> NonReparameterized(Trace guide) =>
        guide.LatentSites.Where(s => s.Distribution is { HasRSample: false });

    /// <summary>
    /// The log q a score-function term multiplies: masked but not scaled. The costs it is paired
    /// with carry the subsampling scales, and scaling both would count the scale twice.
    /// </summary>
    public static Tensor ScoreLogProb(Site site) => Mask(site, site.UnscaledLogProb());

    /// <summary>A per-element term of a site with the site's mask and scales applied, as <see cref="Site.LogProb"/> does for its log-density.</summary>
    public static Tensor ScaleAndMask(Site site, Tensor term)
    {
        var masked = Mask(site, term);
        if (site.ScaleTensor is not null)
        {
            masked = masked.mul(site.ScaleTensor);
        }

        return site.Scale == 1.0 ? masked : masked.mul(site.Scale);
    }

    /// <summary>Σ of each site's log-density reduced to the particle layout; failures carry the trace's shapes.</summary>
    public static Tensor Sum(Trace trace, IEnumerable<Site> sites, ParticleLayout layout)
    {
        // one stack and one sum instead of a chain of adds: two graph nodes, not one per site
        var terms = new List<Tensor>();
        foreach (var site in sites)
        {
            Tensor term;
            try
            {
                term = layout.PerParticle(site.LogProb());
            }
            catch (Exception e) when (e is ArgumentException or System.Runtime.InteropServices.ExternalException)
            {
                throw new ModelExecutionException($"Computing the log-probability of site '{site.Name}' failed: {e.Message}", trace.FormatShapes(), e);
            }

            terms.Add(term);
        }

        return terms.Count switch
        {
            0 => layout.Dim is null ? zeros(1).squeeze() : zeros(layout.Count),
            1 => terms[0],
            _ => stack(terms).sum(dim: 0L),
        };
    }

    private static Tensor Mask(Site site, Tensor term)
    {
        if (!site.MaskAll)
        {
            return zeros_like(term);
        }

        return site.Mask is null ? term : term.masked_fill(site.Mask.bitwise_not(), 0.0);
    }
}
