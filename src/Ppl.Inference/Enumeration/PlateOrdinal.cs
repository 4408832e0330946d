namespace Ppl.Inference.Enumeration;

/// <summary>The set of (labelled) plates a factor lies in (Pyro's ordinal): factors in the same plates combine element by element.</summary>
internal sealed class PlateOrdinal : IEquatable<PlateOrdinal>
{
    /// <summary>No plate.</summary>
    public static readonly PlateOrdinal Empty = new([]);

    private readonly long[] _plates;

    /// <summary>The ordinal of <paramref name="plates"/>.</summary>
    public PlateOrdinal(IEnumerable<long> plates) => _plates = [.. plates.Distinct().Order()];

    /// <summary>The plate labels, in order.</summary>
    public IReadOnlyList<long> Plates => _plates;

    /// <summary>How many plates.</summary>
    public int Count => _plates.Length;

    /// <summary>The plates in both.</summary>
    public PlateOrdinal Intersect(PlateOrdinal other) => new(_plates.Intersect(other._plates));

    /// <summary>The plates in either.</summary>
    public PlateOrdinal Union(PlateOrdinal other) => new(_plates.Union(other._plates));

    /// <summary>The plates of this one that <paramref name="other"/> lacks.</summary>
    public PlateOrdinal Except(PlateOrdinal other) => new(_plates.Except(other._plates));

    /// <summary>Whether every plate of this one is in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(PlateOrdinal other) => _plates.All(other._plates.Contains);

    /// <inheritdoc />
    public bool Equals(PlateOrdinal? other) => other is not null && _plates.SequenceEqual(other._plates);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PlateOrdinal);

    /// <inheritdoc />
    public override int GetHashCode() => _plates.Aggregate(17, (hash, plate) => (hash * 31) + plate.GetHashCode());

    /// <inheritdoc />
    public override string ToString() => $"{{{string.Join(", ", _plates)}}}";
}
