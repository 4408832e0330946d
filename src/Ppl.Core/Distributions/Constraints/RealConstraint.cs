using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>All real numbers (NaN excluded).</summary>
public sealed class RealConstraint : Constraint
{
    /// <inheritdoc />
    public override Tensor Check(Tensor value) => value.eq(value);

    /// <inheritdoc />
    /// <remarks>A sum is NaN when an entry is; a NaN sum without a NaN entry (+∞ and −∞ together) goes to the exact check.</remarks>
    public override bool HoldsEverywhere(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.is_floating_point())
        {
            return true;
        }

        return TensorUtil.ReduceToDouble(value, static v => v.sum()) is double sum && !double.IsNaN(sum) || base.HoldsEverywhere(value);
    }

    /// <inheritdoc />
    public override string ToString() => "real";
}
