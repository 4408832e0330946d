using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// A point-mass guide (Pyro's <c>AutoDelta</c>): each latent site is a <see cref="Delta"/> at a
/// parameter <c>{Prefix}.locs.{site}</c> constrained to the site's support, so SVI with it finds
/// the MAP estimate (the posterior mode in the model's own parametrization).
/// </summary>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public class AutoDelta<TArgs> : AutoGuide<TArgs>
{
    /// <summary>An AutoDelta guide for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prefix">Parameter name prefix; <c>AutoDelta</c> when null.</param>
    /// <param name="init">Initial points; <see cref="InitStrategies.ToMedian"/> when null, as in Pyro.</param>
    public AutoDelta(Func<TArgs, object?> model, string? prefix = null, InitStrategy? init = null)
        : base(model, prefix, init ?? InitStrategies.ToMedian())
    {
    }

    /// <summary>The point masses at full size, by site name.</summary>
    public IReadOnlyDictionary<string, Distribution> GetPosterior(TArgs args) =>
        WithParams(args, () => Sites.ToDictionary(s => s.Name, s => (Distribution)new Delta(Point(s), eventDim: s.EventDim)));

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> GuideCore(TArgs args)
    {
        var indices = EnterPlates(args);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var site in Sites)
        {
            var point = Subsample(Point(site), site, site.EventDim, indices);
            result[site.Name] = SampleInPlates(site, new Delta(point, eventDim: site.EventDim));
        }

        return result;
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> MedianCore(TArgs args) =>
        Sites.ToDictionary(s => s.Name, Point);

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> QuantilesCore(TArgs args, double[] qs) =>
        Sites.ToDictionary(s => s.Name, s =>
        {
            var point = Point(s);
            return point.unsqueeze(0).expand([qs.Length, .. point.Shape()]).clone();
        });

    /// <summary>The full-size point of <paramref name="site"/>, created at the first use.</summary>
    protected Tensor Point(LatentSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var init = InitialUnconstrained(site);
        return Param($"{Prefix}.locs.{site.Name}", () => site.Transform.Forward(init), site.Support, site.EventDim);
    }
}
