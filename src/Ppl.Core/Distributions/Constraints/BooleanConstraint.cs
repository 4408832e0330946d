using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>x ∈ {0, 1}.</summary>
public sealed class BooleanConstraint : Constraint
{
    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Tensor Check(Tensor value) => value.eq(0).logical_or(value.eq(1));

    /// <inheritdoc />
    public override string ToString() => "boolean";
}
