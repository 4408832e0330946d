namespace Ppl.Causal.SchemaNetworks;

/// <summary>An entity of an <see cref="EntityGrid"/>, named by its cell.</summary>
/// <param name="Row">The entity's row, from the top.</param>
/// <param name="Column">The entity's column, from the left.</param>
public readonly record struct Entity(int Row, int Column)
{
    /// <summary>The entity at a relative offset from this one.</summary>
    public Entity Offset(int rows, int columns) => new(Row + rows, Column + columns);

    /// <inheritdoc/>
    public override string ToString() => $"({Row}, {Column})";
}
