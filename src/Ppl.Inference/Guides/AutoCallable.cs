using System.Collections.Immutable;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// A hand-written guide for some latent sites of a model, as a member of an
/// <see cref="AutoGuideList{TArgs}"/> (Pyro's <c>AutoCallable</c>): typically an encoder network
/// q(z | x) for a local latent inside a subsampled plate, next to autoguides for the global latents.
/// Unlike Pyro's, it names the sites it covers and checks, every time it runs, that the guide
/// samples exactly those (observed and auxiliary sites aside), so a renamed or forgotten site
/// fails loudly instead of being left to the prior. Its sites may be of any kind, discrete
/// included: the prototype does not describe them.
/// </summary>
/// <example><code>
/// var guide = new AutoGuideList&lt;Batch&gt;(Model);
/// guide.Add(m =&gt; new AutoNormal&lt;Batch&gt;(m), "mu");
/// guide.Add(EncoderGuide, "z");   // wraps it in an AutoCallable
/// </code></example>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public sealed class AutoCallable<TArgs> : AutoGuide<TArgs>
{
    private readonly Func<TArgs, object?> _guide;
    private readonly Func<TArgs, IReadOnlyDictionary<string, Tensor>>? _median;

    /// <summary>Wraps the hand-written <paramref name="guide"/> of <paramref name="sites"/>.</summary>
    /// <param name="model">The model (for a list member, the model restricted to <paramref name="sites"/>).</param>
    /// <param name="guide">The guide program: samples exactly <paramref name="sites"/>; its return value is ignored.</param>
    /// <param name="sites">The latent sites the guide samples.</param>
    /// <param name="median">Optional: each site's posterior median for the given argument (Pyro's <c>median</c> callable); without it <see cref="AutoGuide{TArgs}.Median"/> throws.</param>
    /// <param name="prefix">The member's name in messages; <c>AutoCallable</c> when null.</param>
    /// <exception cref="ArgumentException">No site given, a site name repeats, or is empty.</exception>
    public AutoCallable(Func<TArgs, object?> model, Func<TArgs, object?> guide, IEnumerable<string> sites, Func<TArgs, IReadOnlyDictionary<string, Tensor>>? median = null, string? prefix = null)
        : base(model, prefix, InitStrategies.ToFeasible())
    {
        ArgumentNullException.ThrowIfNull(guide);
        ArgumentNullException.ThrowIfNull(sites);
        var names = sites.ToList();
        if (names.Count == 0 || names.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Name the latent sites the hand-written guide samples (at least one, none empty).", nameof(sites));
        }

        var set = names.ToImmutableSortedSet(StringComparer.Ordinal);
        if (set.Count != names.Count)
        {
            throw new ArgumentException($"A site is named twice: {string.Join(", ", names)}.", nameof(sites));
        }

        (_guide, _median, Covers) = (guide, median, set);
    }

    /// <summary>The latent sites the hand-written guide samples.</summary>
    public IReadOnlySet<string> Covers { get; }

    /// <inheritdoc />
    private protected override bool HandsOff(string name) => true;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A site named for the guide is not a latent site of the model.</exception>
    protected override void Validate(IReadOnlyList<LatentSite> sites)
    {
        foreach (var name in Covers.Where(n => !HandedOff.Contains(n)))
        {
            throw new InvalidOperationException($"{Prefix}: site '{name}' is not a latent site of the model it guides; latents: {string.Join(", ", HandedOff.Order(StringComparer.Ordinal))}.");
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The guide sampled a latent site it does not name, or left out one it names.</exception>
    protected override IReadOnlyDictionary<string, Tensor> GuideCore(TArgs args)
    {
        var probe = new GuideSiteProbe();
        probe.Run(() => _guide(args));
        var extra = probe.Values.Keys.Where(n => !Covers.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var missing = Covers.Where(n => !probe.Values.ContainsKey(n)).ToList();
        if (extra.Count > 0 || missing.Count > 0)
        {
            var problems = new List<string>();
            if (extra.Count > 0)
            {
                problems.Add($"it sampled {string.Join(", ", extra.Select(n => $"'{n}'"))}, which it does not name");
            }

            if (missing.Count > 0)
            {
                problems.Add($"it did not sample {string.Join(", ", missing.Select(n => $"'{n}'"))}, which it names");
            }

            throw new InvalidOperationException(
                $"{Prefix}: the hand-written guide must sample exactly the sites it was given ({string.Join(", ", Covers.Select(n => $"'{n}'"))}), but {string.Join(", and ", problems)}. " +
                "Name every latent site the guide samples (and only those) when adding it.");
        }

        return probe.Values;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">No median callable was given.</exception>
    protected override IReadOnlyDictionary<string, Tensor> MedianCore(TArgs args) =>
        _median is null
            ? throw new NotSupportedException($"{Prefix}: a hand-written guide has no median unless one is given; pass median: to AutoCallable (or AutoGuideList.Add).")
            : _median(args);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: a hand-written guide's quantiles are unknown to the library.</exception>
    protected override IReadOnlyDictionary<string, Tensor> QuantilesCore(TArgs args, double[] qs) =>
        throw new NotSupportedException($"{Prefix}: a hand-written guide's quantiles are not known; compute them from the guide's own distributions.");
}
