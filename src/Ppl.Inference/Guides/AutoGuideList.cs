using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// Combines autoguides, and hand-written guides (<see cref="AutoCallable{TArgs}"/>), that cover
/// disjoint sets of latent sites (Pyro's <c>AutoGuideList</c>).
/// Each member is built by <see cref="Add{TGuide}"/> from the model with every other sample site
/// hidden (Pyro's <c>poutine.block(model, expose=sites)</c>), so its prototype sees only its
/// sites; the list's guide runs the members in order and merges their values. Latents no member
/// covers are drawn from their prior by the model (the ELBO warns about them).
/// </summary>
/// <example><code>
/// var guide = new AutoGuideList&lt;Data&gt;(Model);
/// guide.Add(m =&gt; new AutoDelta&lt;Data&gt;(m), "sigma");
/// guide.Add(m =&gt; new AutoMultivariateNormal&lt;Data&gt;(m), "w", "b");
/// guide.Add(EncoderGuide, "z");   // a hand-written guide for the local latent z
/// var svi = new Svi&lt;Data&gt;(Model, guide.Guide, new Adam(0.01), new TraceElbo());
/// </code></example>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public sealed class AutoGuideList<TArgs> : AutoGuide<TArgs>
{
    private readonly List<AutoGuide<TArgs>> _members = [];
    private readonly Dictionary<string, AutoGuide<TArgs>> _owner = new(StringComparer.Ordinal);

    /// <summary>An empty list of guides for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prefix">Name of the list (members keep their own parameter prefixes); <c>AutoGuideList</c> when null.</param>
    public AutoGuideList(Func<TArgs, object?> model, string? prefix = null)
        : base(model, prefix, InitStrategies.ToFeasible())
    {
    }

    /// <summary>The member guides in the order they run.</summary>
    public IReadOnlyList<AutoGuide<TArgs>> Members => _members;

    /// <summary>
    /// Adds the guide <paramref name="make"/> builds from the model restricted to
    /// <paramref name="sites"/> (every other sample site hidden), and returns it.
    /// </summary>
    /// <exception cref="ArgumentException">No site given, or a site is already covered by another member.</exception>
    /// <exception cref="InvalidOperationException">The list has already run.</exception>
    public TGuide Add<TGuide>(Func<Func<TArgs, object?>, TGuide> make, params string[] sites)
        where TGuide : AutoGuide<TArgs>
    {
        ArgumentNullException.ThrowIfNull(make);
        ArgumentNullException.ThrowIfNull(sites);
        if (IsInitialized)
        {
            throw new InvalidOperationException($"{Prefix}: add members before the guide first runs.");
        }

        if (sites.Length == 0)
        {
            throw new ArgumentException("Name at least one site for the member guide.", nameof(sites));
        }

        foreach (var name in sites.Where(_owner.ContainsKey))
        {
            throw new ArgumentException($"Site '{name}' is already covered by {_owner[name].Prefix}; members of an AutoGuideList cover disjoint sites.", nameof(sites));
        }

        var exposed = sites.ToHashSet(StringComparer.Ordinal);
        var restricted = Model.Block(m => m.Kind == SiteKind.Sample && !exposed.Contains(m.Name));
        var guide = make(restricted) ?? throw new InvalidOperationException("The member factory returned null.");
        guide.InheritedSubsamples = Subsamples;
        _members.Add(guide);
        foreach (var name in sites)
        {
            _owner[name] = guide;
        }

        return guide;
    }

    /// <summary>
    /// Adds a hand-written guide for <paramref name="sites"/> (Pyro's <c>guide.append(my_guide)</c>),
    /// wrapped in an <see cref="AutoCallable{TArgs}"/>, and returns it: e.g. an encoder q(z | x) for
    /// a local latent inside a subsampled plate. The autoguide members never see these sites, and
    /// every run checks that the guide samples exactly them.
    /// </summary>
    /// <param name="guide">The guide program for <paramref name="sites"/>.</param>
    /// <param name="sites">The latent sites it samples.</param>
    /// <exception cref="ArgumentException">No site given, or a site is already covered by another member.</exception>
    /// <exception cref="InvalidOperationException">The list has already run.</exception>
    public AutoCallable<TArgs> Add(Func<TArgs, object?> guide, params string[] sites) => Add(guide, null, sites);

    /// <summary>
    /// <see cref="Add(Func{TArgs, object?}, string[])"/> with the guide's posterior
    /// <paramref name="median"/> (used by <see cref="AutoGuide{TArgs}.Median"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No site given, or a site is already covered by another member.</exception>
    /// <exception cref="InvalidOperationException">The list has already run.</exception>
    public AutoCallable<TArgs> Add(Func<TArgs, object?> guide, Func<TArgs, IReadOnlyDictionary<string, Tensor>>? median, params string[] sites)
    {
        ArgumentNullException.ThrowIfNull(guide);
        return Add(m => new AutoCallable<TArgs>(m, guide, sites, median, $"{Prefix}[{_members.Count}]"), sites);
    }

    /// <inheritdoc />
    private protected override bool HandsOff(string name) => _owner.TryGetValue(name, out var member) && member is AutoCallable<TArgs>;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The list is empty, or names a site that is not a latent of the model.</exception>
    protected override void Validate(IReadOnlyList<LatentSite> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        if (_members.Count == 0)
        {
            throw new InvalidOperationException($"{Prefix}: the list has no member guides; Add some before running it.");
        }

        var latents = sites.Select(s => s.Name).Concat(HandedOff).ToHashSet(StringComparer.Ordinal);
        foreach (var name in _owner.Keys.Where(n => !latents.Contains(n)))
        {
            throw new InvalidOperationException($"{Prefix}: site '{name}' given to {_owner[name].Prefix} is not a latent site of the model; latents: {string.Join(", ", latents)}.");
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> GuideCore(TArgs args)
    {
        var shared = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var member in _members)
        {
            member.SharedPlateIndices = shared;
            try
            {
                foreach (var (name, value) in member.Guide(args))
                {
                    result[name] = value;
                }
            }
            finally
            {
                member.SharedPlateIndices = null;
            }
        }

        return result;
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> MedianCore(TArgs args) =>
        _members.SelectMany(m => m.Median(args)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> QuantilesCore(TArgs args, double[] qs) =>
        _members.SelectMany(m => m.Quantiles(args, qs)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var member in _members)
            {
                member.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
