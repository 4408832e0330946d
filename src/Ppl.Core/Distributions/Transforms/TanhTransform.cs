using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>y = tanh(x): the reals onto (−1, 1).</summary>
public sealed class TanhTransform : Transform
{
    private static readonly double Log2 = Math.Log(2);

    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly TanhTransform Instance = new();

    private TanhTransform()
    {
    }

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.Interval(-1.0, 1.0);

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => x.tanh();

    /// <summary>atanh(y), with y kept off ±1 so float rounding gives finite x.</summary>
    public override Tensor Inverse(Tensor y)
    {
        double eps = y.dtype == ScalarType.Float64 ? 1e-15 : 1e-7;
        return y.clamp(-1 + eps, 1 - eps).atanh();
    }

    /// <summary>log(1 − tanh²x) = 2(log 2 − x − softplus(−2x)), stable for large |x|.</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) =>
        nn.functional.softplus(x.mul(-2)).add(x).neg().add(Log2).mul(2);
}
