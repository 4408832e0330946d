namespace Ppl.Causal;

/// <summary>A world index: a named batch dim along which a value takes one entry per world.</summary>
/// <param name="Name">The index name (the twin handler's fixed name, or the intervened site's name in multi-world).</param>
/// <param name="Dim">The batch dim (negative, counted from the right of the batch shape, before event dims).</param>
/// <param name="Size">How many worlds: 1 + the number of interventions that split on this index.</param>
public sealed record WorldDim(string Name, int Dim, int Size)
{
    /// <summary>The index of the factual world along every world dim.</summary>
    public const int Factual = 0;
}
