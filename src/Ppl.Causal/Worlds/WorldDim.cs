using Ppl.Effects;

namespace Ppl.Causal;

/// <summary>A world index: a named batch dim along which a value takes one entry per world.</summary>
/// <param name="Name">The index name (the twin handler's fixed name, or the intervention's name in multi-world).</param>
/// <param name="Dim">The batch dim (negative, counted from the right of the batch shape, before event dims).</param>
/// <param name="Size">How many worlds: 1 + the number of interventions that split on this index.</param>
public sealed record WorldDim(string Name, int Dim, int Size)
{
    /// <summary>The index of the factual world along every world dim.</summary>
    public const int Factual = 0;

    /// <summary>
    /// The conditional-independence frame of this index (ChiRho's index plate), named
    /// <see cref="Indexed.IndexPlatePrefix"/> + <see cref="Name"/>; the world handler adds it to
    /// every sample site whose value or distribution varies along the index.
    /// </summary>
    public PlateFrame Frame => new(Indexed.IndexPlatePrefix + Name, Dim, Size, Size);
}
