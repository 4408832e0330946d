using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>The per-particle sums every ELBO is built from.</summary>
internal static class ElboTerms
{
    /// <summary>
    /// The guide's terms of log q: its latent sites and its auxiliary observed sites, factors among
    /// them (Pyro scores every sample site of the guide; a guide's non-auxiliary observed site is
    /// rejected before scoring).
    /// </summary>
    public static IEnumerable<Site> GuideSites(Trace guide) => guide.SampleSites;

    /// <summary>The guide's terms without a pathwise gradient (they need score-function terms): non-reparameterized draws and factors declared so.</summary>
    public static IEnumerable<Site> NonReparameterized(Trace guide) =>
        GuideSites(guide).Where(s => s.Distribution is { HasRSample: false });

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

    /// <summary>
    /// Σ of each site's log-density reduced to the particle layout; failures carry the trace's
    /// shapes. Without a particle dim, sites that <see cref="StackedLogDensity"/> can group are
    /// evaluated a group at a time.
    /// </summary>
    public static Tensor Sum(Trace trace, IEnumerable<Site> sites, ParticleLayout layout, bool ownDraws = false) =>
        Reduce(Terms(trace, sites, layout, ownDraws), layout);

    /// <summary>
    /// log p(x, z) − log q(z) per particle, the log importance weight every estimator is built
    /// from: all model and guide terms in one stack and one signed sum (three autograd nodes,
    /// where two stacks, two sums and a difference would be five).
    /// </summary>
    /// <remarks>
    /// A guide site that recorded the noise its value was drawn from (<see cref="Site.DrawNoise"/>)
    /// is evaluated from it (<see cref="Ppl.Distributions.Distribution.LogProbFromNoise"/>): the
    /// same value and the same total derivative with respect to the guide's parameters, with no
    /// backward nodes for the standardized term. An ELBO only ever differentiates log q through
    /// the parameters, so nothing it computes can tell the difference. The guide's recorded exp
    /// preimages are readable by the densities meanwhile (<see cref="Preimages"/>).
    /// </remarks>
    /// <param name="run">The traces.</param>
    /// <param name="proposalIsPrior">
    /// True when the guide trace is the model's own run used as a proposal (importance sampling
    /// from the prior): then only its latent sites are q, not its observations and factors.
    /// </param>
    public static Tensor LogWeight(ElboTraces run, bool proposalIsPrior = false)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var preimages = Preimages(run);
        var p = Terms(run.Model, run.Model.SampleSites, run.Layout, ownDraws: false);
        var q = Terms(run.Guide, proposalIsPrior ? run.Guide.LatentSites : GuideSites(run.Guide), run.Layout, ownDraws: true);
        if (p.Count == 0 || q.Count == 0 || !SameKind(p, q))
        {
            return Reduce(p, run.Layout).sub(Reduce(q, run.Layout));
        }

        var first = p[0];
        var signs = Signs.GetOrAdd(
            (p.Count, q.Count, first.dtype, first.device_type, first.device_index),
            static k => SignVector(k.P, k.Q, k.DType, new Device(k.Type, k.Index)));
        // mul and sum, not matmul: dot has no meta-device kernel
        var stacked = stack([.. p, .. q]);
        return stacked.mul(stacked.dim() == 1 ? signs : signs.unsqueeze(1)).sum(dim: 0L);
    }

    /// <summary>
    /// Makes the exp preimages the guide run recorded (a positive parameter's unconstrained value,
    /// a draw pushed through exp) readable by the densities evaluated until the result is
    /// disposed, so log σ of such a σ is its x (<see cref="Ppl.Distributions.Transforms.ExpPreimages"/>);
    /// null when there are none or fast paths are off.
    /// </summary>
    public static IDisposable? Preimages(ElboTraces run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Ppl.Distributions.Transforms.ExpPreimages.Install(run.Guide);
    }

    // +1 for each model term, −1 for each guide term; one detached tensor per term count, dtype and
    // device (a program's term counts are fixed, so this holds a handful of entries)
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int P, int Q, ScalarType DType, TorchSharp.DeviceType Type, int Index), Tensor> Signs = new();

    private static Tensor SignVector(int p, int q, ScalarType dtype, Device device)
    {
        var values = Enumerable.Repeat(1.0, p).Concat(Enumerable.Repeat(-1.0, q)).ToArray();
        var signs = tensor(values, dtype: dtype, device: device);
        signs.DetachFromDisposeScope();
        return signs;
    }

    private static bool SameKind(List<Tensor> p, List<Tensor> q)
    {
        var first = p[0];
        var (dtype, type, index) = (first.dtype, first.device_type, first.device_index);
        return p.Concat(q).All(t => t.dtype == dtype && t.device_type == type && t.device_index == index);
    }

    private static Tensor Reduce(List<Tensor> terms, ParticleLayout layout) => terms.Count switch
    {
        0 => layout.Dim is null ? zeros(1).squeeze() : zeros(layout.Count),
        1 => terms[0],
        // one stack and one sum instead of a chain of adds: two graph nodes, not one per site
        _ => stack(terms).sum(dim: 0L),
    };

    /// <summary>Each site's (or same-family group's) scaled, masked log-density reduced to the particle layout.</summary>
    private static List<Tensor> Terms(Trace trace, IEnumerable<Site> sites, ParticleLayout layout, bool ownDraws)
    {
        var terms = new List<Tensor>();
        Dictionary<StackedLogDensity.Key, List<(Site, Ppl.Distributions.LocationScaleDistribution)>>? groups = null;
        // the seam of two fast paths: log q of a guide draw from the noise recorded with it, and
        // same-family sites evaluated a group at a time
        bool fast = FastPaths.Enabled;
        bool fromNoise = ownDraws && fast;
        foreach (var site in sites)
        {
            if (fromNoise && site is { DrawNoise: { } noise, Value: { } value } && site.Distribution?.LogProbFromNoise(value, noise) is { } own)
            {
                terms.Add(layout.PerParticle(ScaleAndMask(site, own)));
                continue;
            }

            if (fast && layout.Dim is null && StackedLogDensity.Classify(site) is var (key, distribution))
            {
                groups ??= [];
                if (!groups.TryGetValue(key, out var members))
                {
                    groups.Add(key, members = []);
                }

                members.Add((site, distribution));
                continue;
            }

            terms.Add(SiteTerm(trace, site, layout));
        }

        foreach (var (key, members) in groups ?? [])
        {
            if (members.Count > 1 && StackedLogDensity.Sum(members, key.Scale) is { } sum)
            {
                terms.Add(sum);
                continue;
            }

            foreach (var (site, _) in members)
            {
                terms.Add(SiteTerm(trace, site, layout));
            }
        }

        return terms;
    }

    private static Tensor SiteTerm(Trace trace, Site site, ParticleLayout layout)
    {
        try
        {
            return layout.PerParticle(site.LogProb());
        }
        catch (Exception e) when (Trace.IsRejectedValue(e))
        {
            throw trace.LogProbFailure(site, e);
        }
    }

    /// <summary>
    /// The surrogate ELBO of Pyro's <c>Trace_ELBO</c>: <paramref name="elbo"/> plus, for each guide site
    /// without a pathwise gradient, log q(z) · (ELBO, held constant), the REINFORCE term; none for the
    /// sites <paramref name="exact"/> picks (their expectation is computed exactly, by enumeration).
    /// </summary>
    public static Tensor WithScoreFunctionTerms(ElboTraces run, Tensor elbo, Func<Site, bool>? exact = null)
    {
        var surrogate = elbo;
        var cost = elbo.detach();
        foreach (var site in NonReparameterized(run.Guide).Where(s => exact?.Invoke(s) != true))
        {
            surrogate = surrogate.add(run.Layout.PerParticle(ScoreLogProb(site)).mul(cost));
        }

        return surrogate;
    }

    /// <summary>A per-element term of a site with the site's mask applied, but no scale.</summary>
    public static Tensor Mask(Site site, Tensor term)
    {
        if (!site.MaskAll)
        {
            return zeros_like(term);
        }

        return site.Mask is null ? term : term.masked_fill(site.Mask.bitwise_not(), 0.0);
    }
}
