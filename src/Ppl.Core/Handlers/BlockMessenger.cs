using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Hides sites from the handlers outside it (Pyro's <c>block</c>): a hidden site's message stops
/// here, so an outer trace does not record it and outer conditioning does not reach it. Plates
/// find their dims from the installed plate handlers, so blocking never breaks dim allocation.
/// </summary>
/// <param name="hide">Returns true for messages to hide.</param>
public sealed class BlockMessenger(Func<Message, bool> hide) : Messenger
{
    private readonly Func<Message, bool> _hide = hide ?? throw new ArgumentNullException(nameof(hide));

    /// <summary>
    /// The kind an observed sample site has for blocking (Pyro's <c>"observe"</c> type): the kind
    /// filters treat observations apart from latent samples, so hiding <see cref="SiteKind.Sample"/>
    /// hides latent draws only and hiding <see cref="Observe"/> hides observations only.
    /// </summary>
    public static readonly SiteKind Observe = new("observe");

    /// <summary>Hides every site.</summary>
    public static BlockMessenger All() => new(_ => true);

    /// <summary>Hides the named sites only.</summary>
    public static BlockMessenger Hide(params string[] names)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        return new(m => set.Contains(m.Name));
    }

    /// <summary>Hides every site except the named ones.</summary>
    public static BlockMessenger Expose(params string[] names)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        return new(m => !set.Contains(m.Name));
    }

    /// <summary>Hides the sites of the given kinds only (an observed sample site is of kind <see cref="Observe"/>).</summary>
    public static BlockMessenger HideKinds(params SiteKind[] kinds)
    {
        var set = kinds.ToHashSet();
        return new(m => set.Contains(KindOf(m)));
    }

    /// <summary>Hides every site except those of the given kinds (an observed sample site is of kind <see cref="Observe"/>).</summary>
    public static BlockMessenger ExposeKinds(params SiteKind[] kinds)
    {
        var set = kinds.ToHashSet();
        return new(m => !set.Contains(KindOf(m)));
    }

    /// <summary>Hides every site except those for which <paramref name="expose"/> is true (Pyro's <c>expose_fn</c>).</summary>
    public static BlockMessenger ExposeWhere(Func<Message, bool> expose)
    {
        ArgumentNullException.ThrowIfNull(expose);
        return new(m => !expose(m));
    }

    /// <summary>
    /// Pyro's <c>block(hide=…, expose=…, hide_types=…, expose_types=…, hide_all=…, expose_all=…)</c>.
    /// A site is hidden when its name is in <paramref name="hide"/>, or its kind in
    /// <paramref name="hideKinds"/>, or hiding by default is on and neither its name is in
    /// <paramref name="expose"/> nor its kind in <paramref name="exposeKinds"/>. Hiding by
    /// default starts as <paramref name="hideAll"/>; giving <paramref name="hide"/> turns it off,
    /// giving <paramref name="expose"/> turns it on, then <paramref name="hideKinds"/> off and
    /// <paramref name="exposeKinds"/> on (the later wins). An observed sample site is of kind
    /// <see cref="Observe"/>. <paramref name="exposeAll"/> (which Pyro accepts only with
    /// <paramref name="hideAll"/> false) changes nothing else.
    /// </summary>
    /// <exception cref="ArgumentException">hideAll and exposeAll are both true, or a name or kind is both hidden and exposed.</exception>
    public static BlockMessenger Create(
        IEnumerable<string>? hide = null,
        IEnumerable<string>? expose = null,
        IEnumerable<SiteKind>? hideKinds = null,
        IEnumerable<SiteKind>? exposeKinds = null,
        bool hideAll = true,
        bool exposeAll = false)
    {
        if (hideAll && exposeAll)
        {
            throw new ArgumentException("Block: cannot both hide and expose every site; pass hideAll: false with exposeAll: true.", nameof(exposeAll));
        }

        var hidden = hide?.ToHashSet(StringComparer.Ordinal);
        var exposed = expose?.ToHashSet(StringComparer.Ordinal);
        var hiddenKinds = hideKinds?.ToHashSet();
        var exposedKinds = exposeKinds?.ToHashSet();
        bool hideByDefault = hideAll;
        hideByDefault = hidden is null ? hideByDefault : false;
        hideByDefault = exposed is null ? hideByDefault : true;
        hideByDefault = hiddenKinds is null ? hideByDefault : false;
        hideByDefault = exposedKinds is null ? hideByDefault : true;
        if (hidden is not null && exposed is not null && hidden.Overlaps(exposed))
        {
            throw new ArgumentException($"Block: cannot hide and expose the same site: '{string.Join("', '", hidden.Intersect(exposed))}'.", nameof(expose));
        }

        if (hiddenKinds is not null && exposedKinds is not null && hiddenKinds.Overlaps(exposedKinds))
        {
            throw new ArgumentException($"Block: cannot hide and expose the same kind: {string.Join(", ", hiddenKinds.Intersect(exposedKinds))}.", nameof(exposeKinds));
        }

        return new(m =>
        {
            var kind = KindOf(m);
            if ((hidden?.Contains(m.Name) ?? false) || (hiddenKinds?.Contains(kind) ?? false))
            {
                return true;
            }

            bool isExposed = (exposed?.Contains(m.Name) ?? false) || (exposedKinds?.Contains(kind) ?? false);
            return hideByDefault && !isExposed;
        });
    }

    /// <summary>The kind a site has for blocking: <see cref="Observe"/> for an observed sample site, its own kind otherwise.</summary>
    public static SiteKind KindOf(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Kind == SiteKind.Sample && message.IsObserved ? Observe : message.Kind;
    }

    /// <summary>True when this handler hides <paramref name="message"/>.</summary>
    internal bool Hides(Message message) => _hide(message);

    /// <inheritdoc />
    protected internal override void Process(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_hide(message))
        {
            message.Stop = true;
        }
    }
}
