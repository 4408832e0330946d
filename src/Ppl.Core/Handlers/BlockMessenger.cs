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

    /// <summary>Hides the sites of the given kinds only.</summary>
    public static BlockMessenger HideKinds(params SiteKind[] kinds)
    {
        var set = kinds.ToHashSet();
        return new(m => set.Contains(m.Kind));
    }

    /// <summary>Hides every site except those of the given kinds.</summary>
    public static BlockMessenger ExposeKinds(params SiteKind[] kinds)
    {
        var set = kinds.ToHashSet();
        return new(m => !set.Contains(m.Kind));
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
