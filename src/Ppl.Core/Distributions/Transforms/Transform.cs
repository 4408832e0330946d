using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>
/// A bijection y = f(x) with its inverse and log |det ∂y/∂x| (PyTorch's <c>Transform</c>).
/// Elementwise transforms have <see cref="DomainEventDim"/> 0; event-wise ones (stick-breaking,
/// lower-Cholesky) consume the rightmost dims and their Jacobian term has one value per event.
/// </summary>
public abstract class Transform
{
    /// <summary>How many rightmost dimensions of x one application consumes.</summary>
    public virtual int DomainEventDim => 0;

    /// <summary>How many rightmost dimensions of y one application produces.</summary>
    public virtual int CodomainEventDim => DomainEventDim;

    /// <summary>The region f maps from.</summary>
    public virtual Constraint Domain => DomainEventDim == 0 ? Constraints.Real : Constraints.Independent(Constraints.Real, DomainEventDim);

    /// <summary>The region f maps onto.</summary>
    public abstract Constraint Codomain { get; }

    private Transform? _inv;

    /// <summary>The inverse bijection f⁻¹ (the same object on every call, so f.Inv.Inv is f).</summary>
    public virtual Transform Inv => _inv ??= new InverseTransform(this);

    /// <summary>y = f(x).</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>x = f⁻¹(y).</summary>
    public abstract Tensor Inverse(Tensor y);

    /// <summary>log |det ∂y/∂x| at (x, y = f(x)); shape of x without its rightmost <see cref="DomainEventDim"/> dims.</summary>
    public abstract Tensor LogAbsDetJacobian(Tensor x, Tensor y);

    /// <summary>
    /// <see cref="LogAbsDetJacobian"/> for a caller that only reads the result (a density): may
    /// return <paramref name="x"/> or <paramref name="y"/> themselves instead of a fresh tensor,
    /// saving the alias op and its autograd node.
    /// </summary>
    internal virtual Tensor LogAbsDetJacobianReadOnly(Tensor x, Tensor y) => LogAbsDetJacobian(x, y);

    /// <summary>The shape of f(x) for x of shape <paramref name="shape"/>.</summary>
    public virtual long[] ForwardShape(long[] shape) => shape;

    /// <summary>The shape of f⁻¹(y) for y of shape <paramref name="shape"/>.</summary>
    public virtual long[] InverseShape(long[] shape) => shape;

    /// <inheritdoc />
    public override string ToString() => GetType().Name.Replace("Transform", "", StringComparison.Ordinal) + "Transform()";
}
