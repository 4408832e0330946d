using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Square lower-triangular matrices with positive diagonal (Cholesky factors).</summary>
public sealed class LowerCholeskyConstraint : Constraint
{
    /// <inheritdoc />
    public override int EventDim => 2;

    /// <inheritdoc />
    public override Tensor Check(Tensor value)
    {
        var lower = value.tril().eq(value).all(-1).all(-1);
        var positiveDiagonal = value.diagonal(0, -2, -1).gt(0).all(-1);
        return lower.logical_and(positiveDiagonal);
    }

    /// <inheritdoc />
    public override string ToString() => "lower_cholesky";
}
