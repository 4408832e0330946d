using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Integers in [<see cref="LowerBound"/>, <see cref="UpperBound"/>].</summary>
public sealed class IntegerIntervalConstraint(Bound lowerBound, Bound upperBound) : Constraint
{
    /// <summary>The smallest admissible integer.</summary>
    public Bound LowerBound { get; } = lowerBound;

    /// <summary>The largest admissible integer.</summary>
    public Bound UpperBound { get; } = upperBound;

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Tensor Check(Tensor value) =>
        value.eq(value.floor()).logical_and(LowerBound.BelowOrAt(value)).logical_and(UpperBound.AboveOrAt(value));

    /// <inheritdoc />
    public override string ToString() => $"integer_interval({LowerBound},{UpperBound})";
}
