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
        var indices = EnterPlates(args);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var parameters = new (Tensor Loc, Tensor Scale)[Sites.Count];
        for (int i = 0; i < Sites.Count; i++)
        {
            var site = Sites[i];
            var (loc, scale) = LocScale(site);
            parameters[i] = (Subsample(loc, site, site.UnconstrainedEventDim, indices), Subsample(scale, site, site.UnconstrainedEventDim, indices));
        }

        // the fast path's one seam: same-shaped real sites share one draw
        var grouped = FastPaths.Enabled ? Groups(parameters) : [];
        for (int i = 0; i < Sites.Count; i++)
        {
            var site = Sites[i];
            var (loc, scale) = parameters[i];
            result[site.Name] = grouped.TryGetValue(i, out var member)
                ? SampleInPlates(site, Normal.TrustedScale(loc, scale).ToEvent(site.UnconstrainedEventDim), () => member.Group.Row(member.Row))
                : SampleInPlates(site, Posterior(site, loc, scale));
        }

        return result;
    }

    /// <summary>
    /// Real-valued, plate-free sites of the same shape, dtype and device, by site index: each
    /// group's scales are checked once (a failure leaves the group to per-site draws, whose checks
    /// name the site) and its members draw together (<see cref="GroupedNormalDraw"/>) unless a
    /// handler changes how they draw.
    /// </summary>
    private Dictionary<int, (GroupedNormalDraw Group, int Row)> Groups((Tensor Loc, Tensor Scale)[] parameters)
    {
        var members = new Dictionary<int, (GroupedNormalDraw, int)>();
        var groups = Enumerable.Range(0, Sites.Count)
            .Where(i => Sites[i].IsReal && Sites[i].Plates.Length == 0)
            .GroupBy(i =>
            {
                var loc = parameters[i].Loc;
                return (loc.dtype, loc.device_type, loc.device_index, Shape: ShapeUtil.Format(loc.Shape()));
            });
        foreach (var group in groups)
        {
            var indices = group.ToList();
            if (indices.Count < 2)
            {
                continue;
            }

            var scales = stack(indices.Select(i => parameters[i].Scale).ToList());
            if (Distribution.ValidationEnabled && scales.device_type != TorchSharp.DeviceType.META)
            {
                using var check = NewDisposeScope();
                if (!scales.gt(0).logical_and(scales.isfinite()).all().ToBoolean())
                {
                    continue;
                }
            }

            var draw = new GroupedNormalDraw([.. indices.Select(i => parameters[i].Loc)], scales);
            for (int k = 0; k < indices.Count; k++)
            {
                members[indices[k]] = (draw, k);
            }
        }

        return members;
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
