using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>
/// y = log(1 + exp(x)): the reals onto the positive reals, growing linearly rather than
/// exponentially, which keeps optimizers stable for scale parameters.
/// </summary>
public sealed class SoftplusTransform : Transform
{
    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly SoftplusTransform Instance = new();

    private SoftplusTransform()
    {
    }

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.Positive;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => nn.functional.softplus(x);

    /// <summary>x = y + log(1 − exp(−y)), written so large y does not overflow.</summary>
    public override Tensor Inverse(Tensor y) => y.add(y.neg().expm1().neg().log());

    /// <summary>dy/dx = σ(x), so log σ(x) = −softplus(−x).</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => nn.functional.softplus(x.neg()).neg();
}
