using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A region of values: a distribution's support or a parameter's domain (Pyro's
/// <c>constraints</c>). <see cref="Check"/> returns one boolean per event, i.e. the value's shape
/// without the rightmost <see cref="EventDim"/> dims. The factory is <see cref="Constraints"/>.
/// </summary>
public abstract class Constraint
{
    /// <summary>True for integer-valued regions (no reparameterized sampling, no bijection).</summary>
    public virtual bool IsDiscrete => false;

    /// <summary>How many rightmost dimensions one point of the region spans.</summary>
    public virtual int EventDim => 0;

    /// <summary>A boolean tensor, true where <paramref name="value"/> lies in the region (one entry per event).</summary>
    public abstract Tensor Check(Tensor value);

    /// <summary>
    /// True when <paramref name="value"/> lies in the region everywhere: one device sync. The
    /// default reduces <see cref="Check"/>; families override it with a cheaper sufficient
    /// reduction (a min, a sum) and fall back to the exact check when it is inconclusive, since
    /// validation runs for every distribution of every step and each op costs microseconds.
    /// </summary>
    public virtual bool HoldsEverywhere(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Check(value).all().ToBoolean();
    }

    /// <summary>A stable text form; <see cref="Constraints.Parse"/> reads back those without tensor bounds.</summary>
    public abstract override string ToString();

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Constraint c && c.GetType() == GetType() && c.ToString() == ToString();

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
