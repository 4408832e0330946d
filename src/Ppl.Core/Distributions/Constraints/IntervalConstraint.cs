using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary><see cref="LowerBound"/> ≤ x ≤ <see cref="UpperBound"/>, or x &lt; the upper bound when half-open.</summary>
public sealed class IntervalConstraint(Bound lowerBound, Bound upperBound, bool halfOpen = false) : Constraint
{
    /// <summary>The lower bound (always included).</summary>
    public Bound LowerBound { get; } = lowerBound;

    /// <summary>The upper bound.</summary>
    public Bound UpperBound { get; } = upperBound;

    /// <summary>True when the upper bound is excluded (Pyro's <c>half_open_interval</c>).</summary>
    public bool HalfOpen { get; } = halfOpen;

    /// <inheritdoc />
    public override Tensor Check(Tensor value) =>
        LowerBound.BelowOrAt(value).logical_and(HalfOpen ? UpperBound.Above(value) : UpperBound.AboveOrAt(value));

    /// <inheritdoc />
    public override string ToString() =>
        HalfOpen ? $"half_open_interval({LowerBound},{UpperBound})" : $"interval({LowerBound},{UpperBound})";
}
