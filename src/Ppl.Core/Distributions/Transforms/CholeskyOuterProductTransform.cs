using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>
/// y = L Lᵀ: lower-Cholesky factors onto positive-definite matrices, inverted by the Cholesky
/// decomposition. Both sides are parameterized by their n(n+1)/2 lower-triangular entries.
/// </summary>
public sealed class CholeskyOuterProductTransform : Transform
{
    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly CholeskyOuterProductTransform Instance = new();

    private CholeskyOuterProductTransform()
    {
    }

    /// <inheritdoc />
    public override int DomainEventDim => 2;

    /// <inheritdoc />
    public override Constraint Domain => Constraints.LowerCholesky;

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.PositiveDefinite;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => RequireSquare(x, nameof(x)).CheckedMatMul(x.mT);

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => linalg.cholesky(RequireSquare(y, nameof(y)));

    /// <summary>
    /// Row i of Σ's lower triangle depends on L's rows up to i, so the Jacobian is triangular in
    /// a suitable order with diagonal 2·L_jj for Σ_jj and L_jj for Σ_ij (i &gt; j): log |det| =
    /// n log 2 + Σ_j (n − j) log L_jj with j counted from 0.
    /// </summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        long n = x.Shape()[^1];
        var powers = arange(n, 0, -1, dtype: x.dtype, device: x.device);
        return x.diagonal(0, -2, -1).log().mul(powers).sum(-1).add(n * Math.Log(2));
    }

    /// <summary>
    /// Both sides are n×n matrices; a non-square x would give a smaller "covariance" x·xᵀ without
    /// complaint, so it is refused.
    /// </summary>
    private static Tensor RequireSquare(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.dim() < 2 || t.size(-1) != t.size(-2))
        {
            throw new ArgumentException($"CholeskyOuterProductTransform: expected square matrices [..., n, n], got shape {ShapeUtil.Format(t.Shape())}.", name);
        }

        return t;
    }
}
