using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>y = x: the bijection onto the reals.</summary>
public sealed class IdentityTransform : Transform
{
    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly IdentityTransform Instance = new();

    private IdentityTransform()
    {
    }

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.Real;

    /// <inheritdoc />
    public override Transform Inv => this;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => x.alias();

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => y.alias();

    /// <inheritdoc />
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => zeros_like(x);
}
