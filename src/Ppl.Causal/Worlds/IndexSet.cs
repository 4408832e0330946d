using System.Collections.Immutable;

namespace Ppl.Causal;

/// <summary>
/// A selection of worlds: for some world indices (by name) the entries wanted. Indices not named
/// are left as they are. <c>new IndexSet(("__twin", 1))</c> is "the counterfactual world".
/// </summary>
public sealed class IndexSet
{
    /// <summary>Selects one entry per named index.</summary>
    public IndexSet(params (string Name, int Index)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries.ToImmutableDictionary(e => e.Name, e => ImmutableSortedSet.Create(e.Index), StringComparer.Ordinal);
    }

    /// <summary>Selects several entries per named index.</summary>
    public IndexSet(IReadOnlyDictionary<string, IEnumerable<int>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries.ToImmutableDictionary(e => e.Key, e => e.Value.ToImmutableSortedSet(), StringComparer.Ordinal);
    }

    /// <summary>The selected entries by index name.</summary>
    public ImmutableDictionary<string, ImmutableSortedSet<int>> Entries { get; }

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {{{string.Join(", ", e.Value)}}}")) + "}";
}
