using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Pyro's <c>pyro.poutine.util</c> helpers for <see cref="EscapeMessenger"/> and
/// <see cref="Poutine.Queue{TArgs, TOut}"/>: when to leave a model (<see cref="DiscreteEscape"/>,
/// <see cref="AllEscape"/>) and how to extend the partial trace at the site it was left at
/// (<see cref="EnumExtend"/>, <see cref="McExtend"/>).
/// </summary>
public static class PoutineUtil
{
    /// <summary>True for a latent sample site not yet in <paramref name="trace"/> whose distribution enumerates its support (Pyro's <c>discrete_escape</c>).</summary>
    public static bool DiscreteEscape(Trace trace, Message message) =>
        AllEscape(trace, message) && message.Distribution is { HasEnumerateSupport: true };

    /// <summary>True for a latent sample site not yet in <paramref name="trace"/> (Pyro's <c>all_escape</c>).</summary>
    public static bool AllEscape(Trace trace, Message message)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(message);
        return message.Kind == SiteKind.Sample && !message.IsObserved && !trace.Contains(message.Name);
    }

    /// <summary>
    /// Copies of <paramref name="trace"/>, each extended by <paramref name="site"/> at one value of
    /// its support, in support order (Pyro's <c>enum_extend</c>); at most
    /// <paramref name="numSamples"/> of them when given.
    /// </summary>
    /// <exception cref="NotSupportedException">The site's distribution does not enumerate its support.</exception>
    public static IReadOnlyList<Trace> EnumExtend(Trace trace, Site site, int? numSamples = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(site);
        var distribution = site.Distribution ?? throw new ArgumentException($"Site '{site.Name}' has no distribution to enumerate.", nameof(site));
        var values = distribution.EnumerateSupport();
        long n = values.Shape()[0];
        if (numSamples is int limit)
        {
            n = Math.Min(n, Math.Max(limit, 0));
        }

        var extended = new List<Trace>((int)n);
        for (long i = 0; i < n; i++)
        {
            extended.Add(Extend(trace, site, values[i]));
        }

        return extended;
    }

    /// <summary>
    /// Copies of <paramref name="trace"/>, each extended by <paramref name="site"/> at a fresh draw
    /// from its distribution (Pyro's <c>mc_extend</c>); <paramref name="numSamples"/> of them, one when null.
    /// </summary>
    public static IReadOnlyList<Trace> McExtend(Trace trace, Site site, int? numSamples = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(site);
        var distribution = site.Distribution ?? throw new ArgumentException($"Site '{site.Name}' has no distribution to draw from.", nameof(site));
        return [.. Enumerable.Range(0, numSamples ?? 1).Select(_ => Extend(trace, site, distribution.Sample()))];
    }

    /// <summary>A copy of <paramref name="trace"/> with <paramref name="site"/> added at <paramref name="value"/>.</summary>
    public static Trace Extend(Trace trace, Site site, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(site);
        var copy = new Trace();
        foreach (var node in trace.Nodes)
        {
            copy.Add(node);
        }

        copy.Add(site with { Value = value, IsObserved = false });
        return copy;
    }
}
