using System.Collections.Immutable;

namespace Ppl.Causal;

/// <summary>
/// A selection of worlds (ChiRho's <c>IndexSet</c>): for some world indices (by name) the entries
/// wanted. Indices not named are left as they are. <c>new IndexSet(("__twin", 1))</c> is "the
/// counterfactual world". Names with no entries are dropped, so <c>{x: {}}</c> equals the empty set.
/// Index sets compare by value and can be dictionary keys (as in <see cref="Indexed.ScatterN"/>).
/// </summary>
public sealed class IndexSet : IEquatable<IndexSet>
{
    /// <summary>Selects one entry per named index.</summary>
    /// <exception cref="ArgumentException">A name appears twice (use the dictionary form for several entries).</exception>
    public IndexSet(params (string Name, int Index)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var duplicate = entries.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"IndexSet: index '{duplicate.Key}' is named {duplicate.Count()} times; to select several entries of one index write new IndexSet(new Dictionary<string, IEnumerable<int>> {{ [\"{duplicate.Key}\"] = [...] }}).",
                nameof(entries));
        }

        Entries = entries.ToImmutableDictionary(e => e.Name, e => ImmutableSortedSet.Create(e.Index), StringComparer.Ordinal);
    }

    /// <summary>Selects several entries per named index; names with no entries are dropped.</summary>
    public IndexSet(IReadOnlyDictionary<string, IEnumerable<int>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries
            .Select(e => (e.Key, Set: e.Value.ToImmutableSortedSet()))
            .Where(e => !e.Set.IsEmpty)
            .ToImmutableDictionary(e => e.Key, e => e.Set, StringComparer.Ordinal);
    }

    private IndexSet(ImmutableDictionary<string, ImmutableSortedSet<int>> entries) => Entries = entries;

    /// <summary>The empty selection: no index named (a value that is the same in every world has it).</summary>
    public static IndexSet Empty { get; } = new(ImmutableDictionary.Create<string, ImmutableSortedSet<int>>(StringComparer.Ordinal));

    /// <summary>The selected entries by index name.</summary>
    public ImmutableDictionary<string, ImmutableSortedSet<int>> Entries { get; }

    /// <summary>The named indices.</summary>
    public IEnumerable<string> Names => Entries.Keys;

    /// <summary>How many indices are named.</summary>
    public int Count => Entries.Count;

    /// <summary>True when no index is named.</summary>
    public bool IsEmpty => Entries.IsEmpty;

    /// <summary>True when <paramref name="name"/> is one of the named indices.</summary>
    public bool Contains(string name) => Entries.ContainsKey(name);

    /// <summary>
    /// The union of index sets (ChiRho's <c>union</c>): every name in any of them, with the union of
    /// its entries. The analogue of broadcasting shapes: associative, commutative, idempotent.
    /// </summary>
    public static IndexSet Union(params IndexSet[] sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var builder = ImmutableDictionary.CreateBuilder<string, ImmutableSortedSet<int>>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            ArgumentNullException.ThrowIfNull(set, nameof(sets));
            foreach (var (name, entries) in set.Entries)
            {
                builder[name] = builder.TryGetValue(name, out var existing) ? existing.Union(entries) : entries;
            }
        }

        return new IndexSet(builder.ToImmutable());
    }

    /// <inheritdoc />
    public bool Equals(IndexSet? other) =>
        other is not null
        && Entries.Count == other.Entries.Count
        && Entries.All(e => other.Entries.TryGetValue(e.Key, out var entries) && entries.SetEquals(e.Value));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IndexSet other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        int hash = 0;
        foreach (var (name, entries) in Entries)
        {
            // order-independent over names: XOR of each (name, entries) hash
            var entry = new HashCode();
            entry.Add(name, StringComparer.Ordinal);
            foreach (var i in entries)
            {
                entry.Add(i);
            }

            hash ^= entry.ToHashCode();
        }

        return hash;
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(IndexSet? left, IndexSet? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(IndexSet? left, IndexSet? right) => !(left == right);

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {{{string.Join(", ", e.Value)}}}")) + "}";
}
