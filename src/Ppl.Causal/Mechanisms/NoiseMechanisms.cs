using System.Collections.Concurrent;
using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// How a sample site's value in every world follows from its factual value when all worlds share
/// its exogenous noise, by distribution type (a registry like <see cref="KL"/>'s): the noise is
/// recovered from the factual value under the factual parameters (abduction) and pushed through
/// each world's parameters (prediction). Built in:
/// <list type="bullet">
/// <item>location-scale families (Normal, Laplace, Cauchy, Gumbel): ε = (x − loc)/scale, x_w = loc_w + scale_w·ε — additive noise;</item>
/// <item><see cref="TransformedDistribution"/>: the base value u = T⁻¹(x) is shared through the base's own mechanism, x_w = T_w(u_w);</item>
/// <item><see cref="Categorical"/> and <see cref="Bernoulli"/>: Gumbel-max mechanisms, the noise drawn from its exact posterior given x;</item>
/// <item><see cref="Delta"/>: its point in every world;</item>
/// <item><see cref="Independent"/>, <see cref="ExpandedDistribution"/>, <see cref="MaskedDistribution"/>, <see cref="UnvalidatedDistribution"/>: through to their base.</item>
/// </list>
/// Register a mechanism for another family with <see cref="Register{TDistribution}"/>; a family
/// without one has its non-factual worlds drawn independently (with a warning).
/// </summary>
public static class NoiseMechanisms
{
    private static readonly ConcurrentDictionary<Type, Func<Distribution, Tensor, NoiseMechanismContext, Tensor?>> Rules = new();

    static NoiseMechanisms() => RegisterBuiltIns();

    /// <summary>
    /// Registers the mechanism of <typeparamref name="TDistribution"/> (and of types derived from
    /// it that have no rule of their own), replacing any earlier one. The rule gets the site's
    /// world-indexed distribution, the factual value and the context, and returns the
    /// world-indexed value (its factual entry is then set to the factual value exactly), or null
    /// when it cannot share the noise.
    /// </summary>
    public static void Register<TDistribution>(Func<TDistribution, Tensor, NoiseMechanismContext, Tensor?> rule)
        where TDistribution : Distribution
    {
        ArgumentNullException.ThrowIfNull(rule);
        Rules[typeof(TDistribution)] = (d, factual, context) => rule((TDistribution)d, factual, context);
    }

    /// <summary>True when a mechanism is registered for the type of <paramref name="distribution"/> or a base type of it.</summary>
    public static bool IsRegistered(Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return FindRule(distribution.GetType()) is not null;
    }

    internal static Tensor? Push(Distribution distribution, Tensor factual, NoiseMechanismContext context) =>
        FindRule(distribution.GetType()) is { } rule ? rule(distribution, factual, context) : null;

    /// <summary>The rule of the most derived registered type: the runtime type, then its base types.</summary>
    private static Func<Distribution, Tensor, NoiseMechanismContext, Tensor?>? FindRule(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            if (Rules.TryGetValue(t, out var rule))
            {
                return rule;
            }
        }

        return null;
    }

    private static void RegisterBuiltIns()
    {
        Register<LocationScaleDistribution>((d, factual, c) =>
        {
            var noise = factual.sub(c.Factual(d.Loc)).div(c.Factual(d.Scale));
            return d.Loc.add(d.Scale.mul(noise));
        });
        Register<TransformedDistribution>((d, factual, c) =>
        {
            var shared = c.Push(d.Base, c.Factual(d.Transform.Inverse(factual)));
            return shared is null ? null : d.Transform.Forward(shared);
        });
        Register<Categorical>((d, factual, c) =>
            GumbelMax.Apply(d.Logits, GumbelMax.SamplePosterior(c.Factual(d.Logits, extraEventDims: 1), factual, generator: c.Generator)));
        Register<Bernoulli>((d, factual, c) =>
            GumbelMaxBernoulli.Apply(d.Logits, GumbelMaxBernoulli.SamplePosterior(c.Factual(d.Logits), factual, generator: c.Generator)));
        Register<Delta>((d, _, _) => d.V);
        Register<Independent>((d, factual, c) => c.Push(d.Base, factual));
        Register<ExpandedDistribution>((d, factual, c) => c.Push(d.Base, factual));
        Register<MaskedDistribution>((d, factual, c) => c.Push(d.Base, factual));
        Register<UnvalidatedDistribution>((d, factual, c) => c.Push(d.Base, factual));
    }
}
