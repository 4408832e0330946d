using System.Collections.Immutable;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>
/// A kinetic intervention do(X_i = x, …): each clamped species starts at its value and every
/// reaction that would change it (its activation and its deactivation) is suppressed for the
/// whole simulation, so its active count never moves. Downstream species still see it as a
/// driver. This is the kinetic counterpart of replacing X_i's structural equation by a constant.
/// </summary>
public sealed record KineticIntervention
{
    /// <summary>No intervention: the observational (unclamped) system.</summary>
    public static KineticIntervention None { get; } = new(ImmutableDictionary<int, long>.Empty);

    /// <summary>Clamps species (0-based index) to active counts.</summary>
    public KineticIntervention(IReadOnlyDictionary<int, long> clamped)
    {
        ArgumentNullException.ThrowIfNull(clamped);
        Clamped = clamped.ToImmutableSortedDictionary();
    }

    /// <summary>The clamped species (0-based) and their active counts.</summary>
    public ImmutableSortedDictionary<int, long> Clamped { get; }

    /// <summary>do(X_{species+1} = count): clamps one species.</summary>
    public static KineticIntervention Clamp(int species, long count) => new(new Dictionary<int, long> { [species] = count });

    /// <summary>Throws unless every clamped species exists in <paramref name="cascade"/> and its value is a possible count.</summary>
    /// <exception cref="ArgumentException">A clamped species or count is out of range.</exception>
    public void Validate(Cascade cascade)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        foreach (var (species, count) in Clamped)
        {
            if (species < 0 || species >= cascade.SpeciesCount)
            {
                throw new ArgumentException($"do(): species index {species} is outside 0..{cascade.SpeciesCount - 1}.", nameof(cascade));
            }

            if (count < 0 || count > cascade.Totals[species])
            {
                throw new ArgumentException(
                    $"do({Cascade.SpeciesName(species)} = {count}): the count must lie in 0..{cascade.Totals[species]}.", nameof(cascade));
            }
        }
    }

    /// <summary><paramref name="state"/> with each clamped species set to its value.</summary>
    public long[] ApplyTo(IReadOnlyList<long> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var result = state.ToArray();
        foreach (var (species, count) in Clamped)
        {
            result[species] = count;
        }

        return result;
    }

    /// <summary>Per reaction, true when it may fire (the species it changes is not clamped).</summary>
    public bool[] AllowedReactions(Cascade cascade)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        return [.. Enumerable.Range(0, cascade.ReactionCount).Select(r => !Clamped.ContainsKey(Cascade.SpeciesOf(r)))];
    }

    /// <summary>e.g. <c>do(X2 = 5)</c>, or <c>observational</c>.</summary>
    public override string ToString() =>
        Clamped.IsEmpty ? "observational" : "do(" + string.Join(", ", Clamped.Select(c => $"{Cascade.SpeciesName(c.Key)} = {c.Value}")) + ")";

    /// <inheritdoc />
    public bool Equals(KineticIntervention? other) => other is not null && Clamped.SequenceEqual(other.Clamped);

    /// <inheritdoc />
    public override int GetHashCode() => Clamped.Count;
}
