using Ppl.Distributions;
using Ppl.Effects;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// Base of the joint guides (Pyro's <c>AutoContinuous</c>): every latent is flattened into one
/// unconstrained vector of length <see cref="LatentDim"/>, drawn at the auxiliary site
/// <c>_{Prefix}_latent</c> from <see cref="GetPosterior"/>. Each block is pushed through its
/// site's <c>BijectTo(support)</c> and recorded at the model's site as a <see cref="Delta"/>
/// whose log-density is −log|det J| of that map, so the guide's total log-density is the
/// density of the constrained values. Subsampled plates are not supported.
/// </summary>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public abstract class AutoContinuous<TArgs> : AutoGuide<TArgs>
{
    /// <summary>A joint guide for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prefix">Parameter name prefix; the class name when null.</param>
    /// <param name="init">Initial locations; <see cref="InitStrategies.ToMedian"/> when null, as in Pyro.</param>
    protected AutoContinuous(Func<TArgs, object?> model, string? prefix, InitStrategy? init)
        : base(model, prefix, init ?? InitStrategies.ToMedian())
    {
    }

    /// <summary>The length of the packed unconstrained latent vector.</summary>
    public long LatentDim => Sites.Sum(s => s.UnconstrainedNumel);

    /// <summary>The name of the auxiliary site that holds the packed latent.</summary>
    public string LatentSiteName => $"_{Prefix}_latent";

    /// <summary>The joint posterior approximation over the packed unconstrained vector (event shape <c>[LatentDim]</c>).</summary>
    public Distribution GetPosterior(TArgs args) => WithParams(args, Posterior);

    /// <summary>The joint distribution over the packed vector, built from this guide's parameters (a store is active).</summary>
    protected abstract Distribution Posterior();

    /// <summary>
    /// True for a posterior whose log-density is a sum over the packed entries (a diagonal normal):
    /// it can leave out the entries the model masks (<see cref="PackedMask"/>), so masked latents
    /// are allowed. A joint guide with correlations cannot, and refuses them.
    /// </summary>
    protected virtual bool ScoresEntriesIndependently => false;

    /// <summary>
    /// The model's masks laid out like the packed latent, shape <c>[LatentDim]</c> (true where the
    /// model scores the entry); null when no site is masked. Intervened latents inside world
    /// handlers and <c>obsMask</c> sites are masked this way.
    /// </summary>
    protected Tensor? PackedMask()
    {
        if (!Sites.Any(s => s.IsMasked))
        {
            return null;
        }

        return cat(Sites.Select(SiteEntriesMask).ToList(), 0);
    }

    private static Tensor SiteEntriesMask(LatentSite site)
    {
        int batchRank = site.UnconstrainedShape.Length - site.UnconstrainedEventDim;
        var batch = site.UnconstrainedShape[..batchRank];
        Tensor mask = !site.MaskAll
            ? zeros(batch, dtype: ScalarType.Bool, device: site.Device)
            : site.Mask is { } m ? m.to(site.Device).expand(batch) : ones(batch, dtype: ScalarType.Bool, device: site.Device);
        return mask.reshape([.. batch, .. Enumerable.Repeat(1L, site.UnconstrainedEventDim)]).expand(site.UnconstrainedShape).reshape(-1);
    }

    /// <summary>The packed initial unconstrained values, shape <c>[LatentDim]</c>.</summary>
    protected Tensor InitialLoc() => cat(Sites.Select(s => InitialUnconstrained(s).reshape(-1)).ToList(), 0);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A latent sits in a subsampled plate, or the model masks it.</exception>
    protected override void Validate(IReadOnlyList<LatentSite> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        foreach (var site in sites.Where(s => s.IsMasked && !ScoresEntriesIndependently))
        {
            throw new NotSupportedException(
                $"{Prefix}: latent site '{site.Name}' is masked in the model (by obsMask or a mask handler); a joint guide's density covers every entry of its latent vector " +
                "and cannot leave the masked ones out, so the ELBO would reward their entropy without bound. Use AutoNormal or AutoDelta for that site (AutoGuideList combines them), or a hand-written guide masked the same way.");
        }

        foreach (var site in sites.Where(s => s.IsSubsampled))
        {
            throw new NotSupportedException(
                $"{Prefix}: latent site '{site.Name}' lies in a subsampled plate ({string.Join(", ", site.Plates.Where(p => p.SubsampleSize < p.Size))}); " +
                "a joint guide packs every latent into one vector and cannot subsample it. Use AutoNormal or AutoDelta for local latents (AutoGuideList combines them).");
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> GuideCore(TArgs args)
    {
        EnterPlates(args);
        var latent = Sample(LatentSiteName, Posterior(), infer: InferConfig.Default with { IsAuxiliary = true });
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (site, u) in Unpack(latent, keepLeading: null))
        {
            var value = site.Transform.Forward(u);
            var logDet = TensorUtil.SumRightmost(site.Transform.LogAbsDetJacobian(u, value), site.EventDim - site.Transform.CodomainEventDim);
            result[site.Name] = SampleInPlates(site, new Delta(value, logDet.neg(), site.EventDim));
        }

        return result;
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> MedianCore(TArgs args)
    {
        var loc = Posterior().Mean;
        return Unpack(loc, keepLeading: 0).ToDictionary(p => p.Site.Name, p => p.Site.Transform.Forward(p.Value));
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> QuantilesCore(TArgs args, double[] qs)
    {
        var posterior = Posterior();
        var loc = posterior.Mean;
        var sd = posterior.Variance.sqrt();
        var z = NormalQuantiles(qs, loc).unsqueeze(-1);
        var latent = loc.unsqueeze(0).add(sd.unsqueeze(0).mul(z));
        return Unpack(latent, keepLeading: 1).ToDictionary(p => p.Site.Name, p => p.Site.Transform.Forward(p.Value));
    }

    /// <summary>
    /// Splits a packed tensor <c>[..., LatentDim]</c> into each site's unconstrained value. With
    /// <paramref name="keepLeading"/> null the leading dims are aligned as plates align batch dims
    /// (a particle dim stays left of the site's own batch dims; the size-1 dims it overlaps are
    /// dropped); otherwise exactly that many leading dims are kept in front of each site's shape.
    /// </summary>
    /// <exception cref="InvalidOperationException">Leading dims overlap a site's batch dims with a size other than 1.</exception>
    protected IEnumerable<(LatentSite Site, Tensor Value)> Unpack(Tensor packed, int? keepLeading)
    {
        ArgumentNullException.ThrowIfNull(packed);
        long[] lead = packed.Shape()[..^1];
        long offset = 0;
        foreach (var site in Sites)
        {
            long n = site.UnconstrainedNumel;
            var block = packed.narrow(-1, offset, n);
            offset += n;
            int siteBatch = site.UnconstrainedShape.Length - site.UnconstrainedEventDim;
            int keep = keepLeading ?? Math.Max(0, lead.Length - siteBatch);
            if (lead[keep..].Any(s => s != 1))
            {
                throw new InvalidOperationException(
                    $"{Prefix}: the packed latent's leading shape {ShapeUtil.Format(lead)} collides with the batch dims of site '{site.Name}' {ShapeUtil.Format(site.UnconstrainedShape)}.");
            }

            yield return (site, block.reshape([.. lead[..keep], .. site.UnconstrainedShape]));
        }
    }
}
