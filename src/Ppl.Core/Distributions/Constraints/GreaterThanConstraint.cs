using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>x &gt; <see cref="LowerBound"/> (or x ≥ it when <see cref="Inclusive"/>).</summary>
public sealed class GreaterThanConstraint(Bound lowerBound, bool inclusive = false) : Constraint
{
    /// <summary>The lower bound.</summary>
    public Bound LowerBound { get; } = lowerBound;

    /// <summary>True when the bound itself belongs to the region.</summary>
    public bool Inclusive { get; } = inclusive;

    /// <inheritdoc />
    public override Tensor Check(Tensor value) => Inclusive ? LowerBound.BelowOrAt(value) : LowerBound.Below(value);

    /// <inheritdoc />
    /// <remarks>With a numeric bound, the minimum decides (NaN fails both ways); otherwise the exact check.</remarks>
    public override bool HoldsEverywhere(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (LowerBound.IsTensor || value.numel() == 0 || TensorUtil.ReduceToDouble(value, static v => v.min()) is not double min)
        {
            return base.HoldsEverywhere(value);
        }

        // compare in the value's precision, as the elementwise check does (0.1 is not a float32)
        double bound = value.dtype == ScalarType.Float32 ? (float)LowerBound.Value : LowerBound.Value;
        return Inclusive ? min >= bound : min > bound;
    }

    /// <inheritdoc />
    public override string ToString() => Inclusive ? $"greater_than_eq({LowerBound})" : $"greater_than({LowerBound})";
}
