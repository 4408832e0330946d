using static TorchSharp.torch;

namespace Ppl.Constraints;

/// <summary>
/// A bijection y = f(x) with its inverse and log |det ∂y/∂x| (elementwise here; event-wise
/// transforms override <see cref="EventDim"/>).
/// </summary>
public abstract class Transform
{
    /// <summary>How many rightmost dimensions one application consumes.</summary>
    public virtual int EventDim => 0;

    /// <summary>y = f(x).</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>x = f⁻¹(y).</summary>
    public abstract Tensor Inverse(Tensor y);

    /// <summary>log |det ∂y/∂x| at (x, y = f(x)), elementwise.</summary>
    public abstract Tensor LogAbsDetJacobian(Tensor x, Tensor y);
}
