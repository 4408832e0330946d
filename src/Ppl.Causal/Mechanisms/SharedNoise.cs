using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// How a sample site's value in every world follows from its factual value when all worlds share
/// the site's exogenous noise: the noise is recovered from the factual value under the factual
/// parameters (abduction) and pushed through each world's parameters (prediction).
/// <list type="bullet">
/// <item>location-scale families (Normal, Laplace, Cauchy, Gumbel): ε = (x − loc)/scale, x_w = loc_w + scale_w·ε — additive noise;</item>
/// <item><see cref="TransformedDistribution"/>: the base value u = T⁻¹(x) is shared through the base's own mechanism, x_w = T_w(u_w);</item>
/// <item><see cref="Categorical"/> and <see cref="Bernoulli"/>: Gumbel-max mechanisms, the noise drawn from its exact posterior given x;</item>
/// <item><see cref="Independent"/>, <see cref="ExpandedDistribution"/>, <see cref="MaskedDistribution"/>: through to their base.</item>
/// </list>
/// Other families have no registered mechanism: <see cref="Counterfactuals"/> returns null.
/// </summary>
internal static class SharedNoise
{
    /// <summary>
    /// The world-indexed value of a site whose distribution varies across <paramref name="worlds"/>,
    /// given its factual value <paramref name="factual"/>; the factual entry equals
    /// <paramref name="factual"/> exactly. Null when the family has no mechanism.
    /// </summary>
    /// <param name="distribution">The site's (world-indexed) distribution.</param>
    /// <param name="factual">The factual value, without world dims (or with size 1 there).</param>
    /// <param name="worlds">The world dims.</param>
    /// <param name="eventDim">The site's event dims: world dims sit left of them in every value-shaped tensor.</param>
    /// <param name="generator">For mechanisms whose abduction draws (Gumbel-max).</param>
    public static Tensor? Counterfactuals(Distribution distribution, Tensor factual, IReadOnlyList<WorldDim> worlds, int eventDim, Generator? generator)
    {
        var value = Push(distribution, factual, worlds, eventDim, generator);
        return value is null ? null : KeepFactualExactly(value, factual, worlds, eventDim);
    }

    private static Tensor? Push(Distribution distribution, Tensor factual, IReadOnlyList<WorldDim> worlds, int eventDim, Generator? generator)
    {
        switch (distribution)
        {
            case LocationScaleDistribution d:
                {
                    var loc = WorldTensors.Factual(d.Loc, worlds, eventDim);
                    var scale = WorldTensors.Factual(d.Scale, worlds, eventDim);
                    var noise = factual.sub(loc).div(scale);
                    return d.Loc.add(d.Scale.mul(noise));
                }

            case TransformedDistribution d:
                {
                    var baseValue = WorldTensors.Factual(d.Transform.Inverse(factual), worlds, eventDim);
                    var shared = Push(d.Base, baseValue, worlds, eventDim, generator);
                    return shared is null ? null : d.Transform.Forward(shared);
                }

            case Categorical d:
                {
                    var noise = GumbelMax.SamplePosterior(WorldTensors.Factual(d.Logits, worlds, eventDim + 1), factual, generator: generator);
                    return GumbelMax.Apply(d.Logits, noise);
                }

            case Bernoulli d:
                {
                    var noise = GumbelMaxBernoulli.SamplePosterior(WorldTensors.Factual(d.Logits, worlds, eventDim), factual, generator: generator);
                    return GumbelMaxBernoulli.Apply(d.Logits, noise);
                }

            case Delta d:
                return d.V;

            case WrappedDistribution d when d is Independent or ExpandedDistribution or MaskedDistribution:
                return Push(d.Base, factual, worlds, eventDim, generator);

            default:
                return null;
        }
    }

    private static Tensor KeepFactualExactly(Tensor value, Tensor factual, IReadOnlyList<WorldDim> worlds, int eventDim)
    {
        var mask = WorldTensors.FactualMask(value, worlds, eventDim);
        if (mask is null)
        {
            return value;
        }

        if (eventDim > 0)
        {
            mask = mask.reshape([.. mask.Shape(), .. Enumerable.Repeat(1L, eventDim)]);
        }

        var exact = factual.dtype == value.dtype ? factual : factual.to(value.dtype);
        return Kernels.IsMeta(value) ? value.add(exact.mul(0)) : torch.where(mask, exact, value);
    }
}
