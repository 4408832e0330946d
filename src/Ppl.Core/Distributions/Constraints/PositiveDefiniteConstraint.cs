using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Symmetric positive-definite matrices.</summary>
public sealed class PositiveDefiniteConstraint : Constraint
{
    /// <inheritdoc />
    public override int EventDim => 2;

    /// <inheritdoc />
    public override Tensor Check(Tensor value)
    {
        double tolerance = value.dtype == ScalarType.Float64 ? 1e-10 : 1e-5;
        var symmetric = value.sub(value.mT).abs().le(tolerance * (1 + value.abs().amax([-2, -1], keepdim: true))).all(-1).all(-1);
        var (_, info) = linalg.cholesky_ex(value);
        return symmetric.logical_and(info.eq(0));
    }

    /// <inheritdoc />
    public override string ToString() => "positive_definite";
}
