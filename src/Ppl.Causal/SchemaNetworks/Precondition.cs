namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// One condition of a schema: the attribute <see cref="Attribute"/> of the entity at the relative offset
/// (<see cref="RowOffset"/>, <see cref="ColumnOffset"/>) from the schema's entity has the value
/// <see cref="Value"/>. A cell outside the grid has every attribute 0, so a positive condition there is
/// false and a negative one true.
/// </summary>
public sealed record Precondition(int RowOffset, int ColumnOffset, int Attribute, bool Value)
{
    /// <summary>The condition in words, e.g. "wall at (+1, −1)" or "no brick here".</summary>
    public string Describe(EntityGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        string where = RowOffset == 0 && ColumnOffset == 0 ? "here" : $"at ({Signed(RowOffset)}, {Signed(ColumnOffset)})";
        return Value ? $"{grid.Attributes[Attribute]} {where}" : $"no {grid.Attributes[Attribute]} {where}";
    }

    private static string Signed(int value) => value switch
    {
        > 0 => $"+{value}",
        < 0 => $"−{-value}",
        _ => "0",
    };
}
