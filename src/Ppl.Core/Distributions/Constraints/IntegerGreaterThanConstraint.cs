using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Integers ≥ <see cref="LowerBound"/> (Pyro's <c>integer_greater_than_eq</c>).</summary>
public sealed class IntegerGreaterThanConstraint(long lowerBound) : Constraint
{
    /// <summary>The smallest admissible integer.</summary>
    public long LowerBound { get; } = lowerBound;

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Tensor Check(Tensor value) => value.eq(value.floor()).logical_and(value.ge(LowerBound));

    /// <inheritdoc />
    public override string ToString() => $"integer_greater_than_or_equal({LowerBound})";
}
