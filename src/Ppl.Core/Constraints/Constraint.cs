using static TorchSharp.torch;

namespace Ppl.Constraints;

/// <summary>
/// A region of values: a distribution's support or a parameter's domain. <see cref="Check"/> is
/// elementwise over the batch; <see cref="EventDim"/> counts the rightmost dims it consumes.
/// </summary>
public abstract class Constraint
{
    /// <summary>True for integer-valued regions (no reparameterized sampling, no bijection).</summary>
    public virtual bool IsDiscrete => false;

    /// <summary>How many rightmost dimensions one point of the region spans.</summary>
    public virtual int EventDim => 0;

    /// <summary>A boolean tensor, true where <paramref name="value"/> lies in the region.</summary>
    public abstract Tensor Check(Tensor value);

    /// <summary>A stable text form, also used by <see cref="Params.ParamStore.Save"/>.</summary>
    public abstract override string ToString();

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Constraint c && c.GetType() == GetType() && c.ToString() == ToString();

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
