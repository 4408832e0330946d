namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// The entities of an object-oriented MDP in the schema-network style (Kansky et al. 2017): one entity per
/// cell of a <see cref="Rows"/> × <see cref="Columns"/> grid, each with the same named binary
/// <see cref="Attributes"/>. A state is a tensor of attribute planes, shape [..., attributes, rows, columns],
/// holding 0 or 1; entity (r, c) is number r·columns + c along the flattened entity plate.
/// </summary>
public sealed record EntityGrid
{
    /// <summary>Creates a grid of entities with the given attributes.</summary>
    /// <exception cref="ArgumentException">A non-positive size, no attributes, or a repeated attribute name.</exception>
    public EntityGrid(int rows, int columns, IReadOnlyList<string> attributes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.Count == 0 || attributes.Distinct(StringComparer.Ordinal).Count() != attributes.Count)
        {
            throw new ArgumentException($"EntityGrid: give at least one attribute, each name once; got [{string.Join(", ", attributes)}].", nameof(attributes));
        }

        Rows = rows;
        Columns = columns;
        Attributes = attributes.ToArray();
    }

    /// <summary>Rows of the grid.</summary>
    public int Rows { get; }

    /// <summary>Columns of the grid.</summary>
    public int Columns { get; }

    /// <summary>The binary attributes every entity has, in plane order.</summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>Entities in the grid (rows × columns), the size of the entity plate.</summary>
    public int EntityCount => Rows * Columns;

    /// <summary>The plane index of an attribute.</summary>
    /// <exception cref="ArgumentException">No attribute has that name.</exception>
    public int AttributeIndex(string name)
    {
        for (int i = 0; i < Attributes.Count; i++)
        {
            if (Attributes[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"EntityGrid: no attribute '{name}'; the attributes are [{string.Join(", ", Attributes)}].", nameof(name));
    }

    /// <summary>Whether a cell lies inside the grid.</summary>
    public bool Contains(Entity entity) => entity.Row >= 0 && entity.Row < Rows && entity.Column >= 0 && entity.Column < Columns;

    /// <summary>The entity's number along the flattened entity plate.</summary>
    public int IndexOf(Entity entity) => Contains(entity)
        ? (entity.Row * Columns) + entity.Column
        : throw new ArgumentOutOfRangeException(nameof(entity), entity, $"EntityGrid: the entity lies outside the {Rows} × {Columns} grid.");
}
