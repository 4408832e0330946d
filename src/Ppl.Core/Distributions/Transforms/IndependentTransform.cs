using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>Treats the rightmost <see cref="ReinterpretedBatchDims"/> dims of an elementwise (or event-wise) transform as part of one event, summing their Jacobian terms.</summary>
public sealed class IndependentTransform : Transform
{
    /// <summary>Wraps <paramref name="baseTransform"/>, moving <paramref name="reinterpretedBatchDims"/> batch dims into the event.</summary>
    public IndependentTransform(Transform baseTransform, int reinterpretedBatchDims)
    {
        ArgumentNullException.ThrowIfNull(baseTransform);
        ArgumentOutOfRangeException.ThrowIfNegative(reinterpretedBatchDims);
        Base = baseTransform;
        ReinterpretedBatchDims = reinterpretedBatchDims;
    }

    /// <summary>The wrapped transform.</summary>
    public Transform Base { get; }

    /// <summary>How many batch dims are read as event dims.</summary>
    public int ReinterpretedBatchDims { get; }

    /// <inheritdoc />
    public override int DomainEventDim => Base.DomainEventDim + ReinterpretedBatchDims;

    /// <inheritdoc />
    public override int CodomainEventDim => Base.CodomainEventDim + ReinterpretedBatchDims;

    /// <inheritdoc />
    public override Constraint Domain => Constraints.Independent(Base.Domain, ReinterpretedBatchDims);

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.Independent(Base.Codomain, ReinterpretedBatchDims);

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => Base.Forward(x);

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => Base.Inverse(y);

    /// <inheritdoc />
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => TensorUtil.SumRightmost(Base.LogAbsDetJacobian(x, y), ReinterpretedBatchDims);

    /// <inheritdoc />
    public override long[] ForwardShape(long[] shape) => Base.ForwardShape(shape);

    /// <inheritdoc />
    public override long[] InverseShape(long[] shape) => Base.InverseShape(shape);

    /// <inheritdoc />
    public override string ToString() => $"IndependentTransform({Base}, {ReinterpretedBatchDims})";
}
