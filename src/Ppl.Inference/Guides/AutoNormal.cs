using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// A mean-field guide (Pyro's <c>AutoNormal</c>): each latent site gets an independent Normal in
/// unconstrained space, with location <c>{Prefix}.locs.{site}</c> and positive scale
/// <c>{Prefix}.scales.{site}</c>, pushed onto the site's support by <c>BijectTo(support)</c>.
/// Parameters of local latents in subsampled plates have the plate's full size; each step reads
/// (and so trains) only the current subsample.
/// </summary>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public class AutoNormal<TArgs> : AutoGuide<TArgs>
{
    private static readonly Scalar One = 1.0.ToScalar();

    /// <summary>An AutoNormal guide for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prefix">Parameter name prefix; <c>AutoNormal</c> when null.</param>
    /// <param name="init">Initial locations; <see cref="InitStrategies.ToFeasible"/> when null, as in Pyro.</param>
    /// <param name="initScale">Initial scale of every coordinate (Pyro's 0.1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initScale"/> is not positive.</exception>
    public AutoNormal(Func<TArgs, object?> model, string? prefix = null, InitStrategy? init = null, double initScale = 0.1)
        : base(model, prefix, init ?? InitStrategies.ToFeasible())
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initScale);
        InitScale = initScale;
    }

    /// <summary>The initial scale of every coordinate in unconstrained space.</summary>
    public double InitScale { get; }

    /// <summary>The per-site posterior approximations at full size, by site name.</summary>
    public IReadOnlyDictionary<string, Distribution> GetPosterior(TArgs args) =>
        WithParams(args, () => Sites.ToDictionary(s => s.Name, s =>
        {
            var (loc, scale) = LocScale(s);
            return Posterior(s, loc, scale);
        }));

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> GuideCore(TArgs args)
    {
        var indices = EnterPlates();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var parameters = new (Tensor Loc, Tensor Scale)[Sites.Count];
        for (int i = 0; i < Sites.Count; i++)
        {
            var site = Sites[i];
            var (loc, scale) = LocScale(site);
            parameters[i] = (Subsample(loc, site, site.UnconstrainedEventDim, indices), Subsample(scale, site, site.UnconstrainedEventDim, indices));
        }

        var preDrawn = DrawTogether(parameters);
        using (preDrawn.Count > 0 ? new PreDrawnMessenger(preDrawn).Install() : default)
        {
            for (int i = 0; i < Sites.Count; i++)
            {
                var site = Sites[i];
                var (loc, scale) = parameters[i];
                var posterior = preDrawn.ContainsKey(site.Name)
                    ? Normal.WithCheckedScale(loc, scale).ToEvent(site.UnconstrainedEventDim)
                    : Posterior(site, loc, scale);
                result[site.Name] = SampleInPlates(site, posterior);
            }
        }

        return result;
    }

    /// <summary>
    /// Draws real-valued, plate-free sites of the same shape, dtype and device together: one
    /// stack of locations and scales, one standard draw, one affine map, one unbind, instead of
    /// a draw per site (each TorchSharp op costs microseconds however small its tensors, so
    /// this dominates guides of many scalar sites). The values are then recorded site by site
    /// as usual. Not while a handler changes how each site draws (<see cref="HandlerStack.AltersDraws"/>:
    /// a seed's per-site generators, a plate such as the particle plate).
    /// </summary>
    private Dictionary<string, Tensor> DrawTogether((Tensor Loc, Tensor Scale)[] parameters)
    {
        var drawn = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (HandlerStack.AltersDraws)
        {
            return drawn;
        }

        var groups = Enumerable.Range(0, Sites.Count)
            .Where(i => Sites[i].IsReal && Sites[i].Plates.Length == 0)
            .GroupBy(i =>
            {
                var loc = parameters[i].Loc;
                return (loc.dtype, loc.device_type, loc.device_index, Shape: ShapeUtil.Format(loc.Shape()));
            });
        foreach (var group in groups)
        {
            var members = group.ToList();
            if (members.Count < 2)
            {
                continue;
            }

            var scales = stack(members.Select(i => parameters[i].Scale).ToList());
            if (Distribution.ValidationEnabled && scales.device_type != TorchSharp.DeviceType.META)
            {
                // one check for the group; a failure falls back to per-site draws, whose checks name the site
                using var check = NewDisposeScope();
                if (!scales.gt(0).logical_and(scales.isfinite()).all().ToBoolean())
                {
                    continue;
                }
            }

            var locs = stack(members.Select(i => parameters[i].Loc).ToList());
            // the same formula as a Normal's rsample: loc + standard draw · scale
            var values = locs.addcmul(randn(locs.Shape(), dtype: locs.dtype, device: locs.device), scales, One).unbind(0);
            for (int k = 0; k < members.Count; k++)
            {
                drawn[Sites[members[k]].Name] = values[k];
            }
        }

        return drawn;
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> MedianCore(TArgs args) =>
        Sites.ToDictionary(s => s.Name, s => s.Transform.Forward(LocScale(s).Loc));

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> QuantilesCore(TArgs args, double[] qs) =>
        Sites.ToDictionary(s => s.Name, s =>
        {
            var (loc, scale) = LocScale(s);
            var z = NormalQuantiles(qs, loc).reshape([qs.Length, .. Enumerable.Repeat(1L, (int)loc.dim())]);
            return s.Transform.Forward(loc.unsqueeze(0).add(scale.unsqueeze(0).mul(z)));
        });

    /// <summary>The full-size location and scale parameters of <paramref name="site"/>, created at the first use.</summary>
    protected (Tensor Loc, Tensor Scale) LocScale(LatentSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var init = InitialUnconstrained(site);
        // the store's tensor itself, not an alias: this guide never disposes or modifies it
        var loc = Param($"{Prefix}.locs.{site.Name}", new ParamSpec(() => init.clone(), Constraints.Real, site.UnconstrainedEventDim) { ShareStored = true });
        var scale = Param($"{Prefix}.scales.{site.Name}", () => full_like(init, InitScale), Constraints.Positive, site.UnconstrainedEventDim);
        return (loc, scale);
    }

    private static Distribution Posterior(LatentSite site, Tensor loc, Tensor scale)
    {
        var normal = new Normal(loc, scale).ToEvent(site.UnconstrainedEventDim);
        return site.IsReal ? normal : new TransformedDistribution(normal, site.Transform);
    }
}
