using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>An <see cref="UngroundedSchema"/> instantiated at one entity: its preconditions name absolute cells.</summary>
public sealed record GroundedSchema(UngroundedSchema Schema, Entity Entity)
{
    /// <summary>The preconditions as (cell, attribute, value) triples; cells may lie outside the grid.</summary>
    public IEnumerable<(Entity Cell, int Attribute, bool Value)> Conditions =>
        Schema.Preconditions.Select(p => (Entity.Offset(p.RowOffset, p.ColumnOffset), p.Attribute, p.Value));

    /// <summary>
    /// Whether the schema fires in one state (attribute planes [attributes, rows, columns]) under an action,
    /// checked cell by cell; <see cref="SchemaNetwork.Activations"/> does every grounding at once.
    /// </summary>
    public bool IsActive(EntityGrid grid, Tensor state, int action)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(state);
        if (Schema.Action is int needed && needed != action)
        {
            return false;
        }

        foreach (var (cell, attribute, value) in Conditions)
        {
            bool present = grid.Contains(cell) && state[attribute, cell.Row, cell.Column].gt(0.5).item<bool>();
            if (present != value)
            {
                return false;
            }
        }

        return true;
    }
}
