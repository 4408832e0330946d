using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Vectors with non-negative entries summing to 1 over the last dimension.</summary>
public sealed class SimplexConstraint : Constraint
{
    /// <inheritdoc />
    public override int EventDim => 1;

    /// <inheritdoc />
    public override Tensor Check(Tensor value)
    {
        // the tolerance scales with the dtype's precision and the number of summed entries
        double eps = value.dtype == ScalarType.Float64 ? 1e-12 : 1e-6;
        double tolerance = eps * Math.Max(1, value.dim() == 0 ? 1 : value.Shape()[^1]);
        return value.ge(0).all(-1).logical_and(value.sum(-1).sub(1).abs().le(tolerance));
    }

    /// <inheritdoc />
    public override string ToString() => "simplex";
}
