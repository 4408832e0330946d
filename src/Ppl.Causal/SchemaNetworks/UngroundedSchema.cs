namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// A schema template: IF every precondition holds (relative to an entity) AND, when <see cref="Action"/> is
/// set, the agent takes that action, THEN the <see cref="Effect"/> happens to the <see cref="Target"/>
/// attribute of that entity (or the <see cref="Target"/> reward is received). Like a convolution kernel it is
/// instantiated at every entity of the grid; each instance is a <see cref="GroundedSchema"/>.
/// </summary>
public sealed class UngroundedSchema
{
    /// <summary>Creates a schema; preconditions are kept in a canonical order (offset, attribute).</summary>
    /// <exception cref="ArgumentException">Two preconditions on one attribute of one cell.</exception>
    public UngroundedSchema(SchemaEffect effect, int target, IEnumerable<Precondition> preconditions, int? action = null)
    {
        ArgumentNullException.ThrowIfNull(preconditions);
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        if (action is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "UngroundedSchema: an action is a non-negative index.");
        }

        var ordered = preconditions.OrderBy(p => p.RowOffset).ThenBy(p => p.ColumnOffset).ThenBy(p => p.Attribute).ToArray();
        for (int i = 1; i < ordered.Length; i++)
        {
            if (ordered[i].RowOffset == ordered[i - 1].RowOffset && ordered[i].ColumnOffset == ordered[i - 1].ColumnOffset && ordered[i].Attribute == ordered[i - 1].Attribute)
            {
                throw new ArgumentException($"UngroundedSchema: attribute {ordered[i].Attribute} at ({ordered[i].RowOffset}, {ordered[i].ColumnOffset}) is constrained twice.", nameof(preconditions));
            }
        }

        Effect = effect;
        Target = target;
        Preconditions = ordered;
        Action = action;
    }

    /// <summary>What the schema predicts.</summary>
    public SchemaEffect Effect { get; }

    /// <summary>The attribute (for <see cref="SchemaEffect.TurnsOn"/> and <see cref="SchemaEffect.TurnsOff"/>) or reward index.</summary>
    public int Target { get; }

    /// <summary>The conjunction of entity-attribute conditions, relative to the schema's entity.</summary>
    public IReadOnlyList<Precondition> Preconditions { get; }

    /// <summary>The action the schema needs, or null when it fires whatever the agent does.</summary>
    public int? Action { get; }

    /// <summary>The instance of this schema at one entity.</summary>
    public GroundedSchema At(Entity entity) => new(this, entity);

    /// <summary>
    /// The rule in words, e.g. "IF ball.NE here AND wall at (−1, 0) THEN ball.SE here"; a TurnsOff schema
    /// reads "THEN NOT …", a reward schema "THEN reward …".
    /// </summary>
    public string Describe(EntityGrid grid, IReadOnlyList<string> actions, IReadOnlyList<string> rewards)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(rewards);
        var conditions = Preconditions.Select(p => p.Describe(grid)).ToList();
        if (Action is int action)
        {
            conditions.Add($"action = {actions[action]}");
        }

        string then = Effect switch
        {
            SchemaEffect.TurnsOn => $"{grid.Attributes[Target]} here",
            SchemaEffect.TurnsOff => $"NOT {grid.Attributes[Target]} here",
            _ => $"reward {rewards[Target]}",
        };
        return $"IF {(conditions.Count == 0 ? "always" : string.Join(" AND ", conditions))} THEN {then}";
    }

    /// <summary>A key equal for schemas with the same effect, target, preconditions and action.</summary>
    public string Key => $"{Effect}:{Target}:{Action}:{string.Join(";", Preconditions.Select(p => $"{p.RowOffset},{p.ColumnOffset},{p.Attribute},{(p.Value ? 1 : 0)}"))}";

    /// <inheritdoc/>
    public override string ToString() => Key;
}
