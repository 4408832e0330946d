using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Vectors of zeros with a single one in the last dimension.</summary>
public sealed class OneHotConstraint : Constraint
{
    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override int EventDim => 1;

    /// <inheritdoc />
    public override Tensor Check(Tensor value) =>
        value.eq(0).logical_or(value.eq(1)).all(-1).logical_and(value.sum(-1).eq(1));

    /// <inheritdoc />
    public override string ToString() => "one_hot";
}
