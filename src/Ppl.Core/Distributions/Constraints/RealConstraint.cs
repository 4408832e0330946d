using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>All real numbers (NaN excluded).</summary>
public sealed class RealConstraint : Constraint
{
    /// <inheritdoc />
    public override Tensor Check(Tensor value) => value.eq(value);

    /// <inheritdoc />
    public override string ToString() => "real";
}
