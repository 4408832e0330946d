using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>x &lt; <see cref="UpperBound"/>.</summary>
public sealed class LessThanConstraint(Bound upperBound) : Constraint
{
    /// <summary>The upper bound.</summary>
    public Bound UpperBound { get; } = upperBound;

    /// <inheritdoc />
    public override Tensor Check(Tensor value) => UpperBound.Above(value);

    /// <inheritdoc />
    public override string ToString() => $"less_than({UpperBound})";
}
