using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>Maps each constraint to a bijection from unconstrained reals onto it (Pyro's <c>biject_to</c>).</summary>
public static class Bijectors
{
    /// <summary>The bijection ℝⁿ → <paramref name="constraint"/>.</summary>
    /// <exception cref="NotSupportedException">The constraint is discrete or has no registered bijection.</exception>
    public static Transform BijectTo(Constraint constraint)
    {
        ArgumentNullException.ThrowIfNull(constraint);
        return constraint switch
        {
            RealConstraint => IdentityTransform.Instance,
            GreaterThanConstraint g when !g.LowerBound.IsTensor => new ShiftedExpTransform(g.LowerBound.Value),
            IntervalConstraint i when !i.LowerBound.IsTensor && !i.UpperBound.IsTensor => new ScaledSigmoidTransform(i.LowerBound.Value, i.UpperBound.Value),
            _ => throw new NotSupportedException($"No bijection onto the constraint {constraint} (discrete constraints have none)."),
        };
    }

    private sealed class IdentityTransform : Transform
    {
        public static readonly IdentityTransform Instance = new();

        public override Constraint Codomain => Constraints.Real;

        public override Tensor Forward(Tensor x) => x.alias();

        public override Tensor Inverse(Tensor y) => y.alias();

        public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => zeros_like(x);
    }

    private sealed class ShiftedExpTransform(double lowerBound) : Transform
    {
        public override Constraint Codomain => Constraints.GreaterThan(lowerBound);

        public override Tensor Forward(Tensor x) => lowerBound == 0 ? x.exp() : x.exp().add(lowerBound);

        public override Tensor Inverse(Tensor y) => lowerBound == 0 ? y.log() : y.sub(lowerBound).log();

        public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => x.alias();
    }

    private sealed class ScaledSigmoidTransform(double lowerBound, double upperBound) : Transform
    {
        private readonly double _width = upperBound - lowerBound;

        public override Constraint Codomain => Constraints.Interval(lowerBound, upperBound);

        public override Tensor Forward(Tensor x) => x.sigmoid().mul(_width).add(lowerBound);

        public override Tensor Inverse(Tensor y) => y.sub(lowerBound).div(_width).logit();

        public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) =>
            nn.functional.logsigmoid(x).add(nn.functional.logsigmoid(x.neg())).add(Math.Log(_width));
    }
}
