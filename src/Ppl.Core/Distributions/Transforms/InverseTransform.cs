using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>The inverse f⁻¹ of a transform f, with log |det ∂x/∂y| = −log |det ∂y/∂x|.</summary>
public sealed class InverseTransform : Transform
{
    /// <summary>The inverse of <paramref name="inner"/>.</summary>
    public InverseTransform(Transform inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The transform being inverted.</summary>
    public Transform Inner { get; }

    /// <inheritdoc />
    public override int DomainEventDim => Inner.CodomainEventDim;

    /// <inheritdoc />
    public override int CodomainEventDim => Inner.DomainEventDim;

    /// <inheritdoc />
    public override Constraint Domain => Inner.Codomain;

    /// <inheritdoc />
    public override Constraint Codomain => Inner.Domain;

    /// <inheritdoc />
    public override Transform Inv => Inner;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => Inner.Inverse(x);

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => Inner.Forward(y);

    /// <inheritdoc />
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => Inner.LogAbsDetJacobian(y, x).neg();

    /// <inheritdoc />
    public override long[] ForwardShape(long[] shape) => Inner.InverseShape(shape);

    /// <inheritdoc />
    public override long[] InverseShape(long[] shape) => Inner.ForwardShape(shape);

    /// <inheritdoc />
    public override string ToString() => $"InverseTransform({Inner})";
}
