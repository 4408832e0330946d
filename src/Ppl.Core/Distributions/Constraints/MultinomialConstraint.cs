using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Vectors of non-negative integer counts summing to at most <see cref="TotalCount"/>.</summary>
public sealed class MultinomialConstraint(Bound totalCount) : Constraint
{
    /// <summary>The number of trials.</summary>
    public Bound TotalCount { get; } = totalCount;

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override int EventDim => 1;

    /// <inheritdoc />
    public override Tensor Check(Tensor value) =>
        value.eq(value.floor()).logical_and(value.ge(0)).all(-1).logical_and(TotalCount.AboveOrAt(value.sum(-1)));

    /// <inheritdoc />
    public override string ToString() => $"multinomial({TotalCount})";
}
