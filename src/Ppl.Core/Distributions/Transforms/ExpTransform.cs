using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>y = exp(x): the reals onto the positive reals.</summary>
public sealed class ExpTransform : Transform
{
    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly ExpTransform Instance = new();

    private ExpTransform()
    {
    }

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.Positive;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => x.exp();

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => y.log();

    /// <inheritdoc />
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => x.alias();

    /// <inheritdoc />
    internal override Tensor LogAbsDetJacobianReadOnly(Tensor x, Tensor y) => x;
}
