using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>y = 1 / (1 + exp(−x)): the reals onto the unit interval.</summary>
public sealed class SigmoidTransform : Transform
{
    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly SigmoidTransform Instance = new();

    private SigmoidTransform()
    {
    }

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.UnitInterval;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => x.sigmoid();

    /// <summary>logit(y) = log y − log(1 − y), with y kept off the endpoints so float rounding gives finite x.</summary>
    public override Tensor Inverse(Tensor y)
    {
        double eps = y.dtype == ScalarType.Float64 ? 1e-15 : 1e-7;
        var p = y.clamp(eps, 1 - eps);
        return p.log().sub(p.neg().log1p());
    }

    /// <summary>dy/dx = σ(x)σ(−x); log σ(x) is −softplus(−x), which also runs on the meta device.</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) =>
        nn.functional.softplus(x.neg()).add(nn.functional.softplus(x)).neg();
}
