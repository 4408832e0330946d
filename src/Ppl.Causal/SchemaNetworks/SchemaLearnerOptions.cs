namespace Ppl.Causal.SchemaNetworks;

/// <summary>Settings of <see cref="SchemaLearner"/>.</summary>
public sealed record SchemaLearnerOptions
{
    /// <summary>Preconditions may look this many rows up and down from the schema's entity.</summary>
    public int RowRadius { get; init; } = 1;

    /// <summary>Preconditions may look this many columns left and right from the schema's entity.</summary>
    public int ColumnRadius { get; init; } = 3;

    /// <summary>The most preconditions (and action) a schema may have.</summary>
    public int MaxConditions { get; init; } = 8;

    /// <summary>The reliability of the learned network's links (<see cref="SchemaNetwork.Reliability"/>).</summary>
    public double Reliability { get; init; } = 0.999;

    /// <summary>The learned network's leak (<see cref="SchemaNetwork.Leak"/>).</summary>
    public double Leak { get; init; } = 1e-4;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(RowRadius, nameof(RowRadius));
        ArgumentOutOfRangeException.ThrowIfNegative(ColumnRadius, nameof(ColumnRadius));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConditions, 1, nameof(MaxConditions));
    }
}
