using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>
/// Maps each constraint to a bijection from unconstrained reals onto it (Pyro's <c>biject_to</c>).
/// Optimizers and autoguides work in the unconstrained space and push values through these maps.
/// New constraint types plug in with <see cref="Register{TConstraint}"/>.
/// </summary>
public static class Bijectors
{
    private static readonly ConcurrentDictionary<Type, Func<Constraint, Transform>> Rules = new();

    static Bijectors()
    {
        Register<RealConstraint>(_ => IdentityTransform.Instance);
        Register<GreaterThanConstraint>(c => OntoHalfLine(c.LowerBound, 1.0));
        Register<LessThanConstraint>(c => OntoHalfLine(c.UpperBound, -1.0));
        Register<IntervalConstraint>(c => OntoInterval(c.LowerBound, c.UpperBound));
        Register<SimplexConstraint>(_ => StickBreakingTransform.Instance);
        Register<LowerCholeskyConstraint>(_ => LowerCholeskyTransform.Instance);
        Register<PositiveDefiniteConstraint>(_ => new ComposeTransform(LowerCholeskyTransform.Instance, CholeskyOuterProductTransform.Instance));
        Register<IndependentConstraint>(c => new IndependentTransform(BijectTo(c.Base), c.ReinterpretedBatchDims));
    }

    /// <summary>The bijection from unconstrained space onto <paramref name="constraint"/>.</summary>
    /// <exception cref="NotSupportedException">The constraint is discrete or no rule is registered for its type.</exception>
    public static Transform BijectTo(Constraint constraint)
    {
        ArgumentNullException.ThrowIfNull(constraint);
        if (constraint.IsDiscrete)
        {
            throw new NotSupportedException($"No bijection onto the discrete constraint {constraint}: discrete latents cannot be optimized in an unconstrained space.");
        }

        for (var type = constraint.GetType(); type is not null; type = type.BaseType)
        {
            if (Rules.TryGetValue(type, out var rule))
            {
                return rule(constraint);
            }
        }

        throw new NotSupportedException($"No bijection registered onto the constraint {constraint} ({constraint.GetType().Name}); add one with Bijectors.Register.");
    }

    /// <summary>Registers (or replaces) the bijection onto constraints of type <typeparamref name="TConstraint"/> and its subclasses.</summary>
    public static void Register<TConstraint>(Func<TConstraint, Transform> rule)
        where TConstraint : Constraint
    {
        ArgumentNullException.ThrowIfNull(rule);
        Rules[typeof(TConstraint)] = c => rule((TConstraint)c);
    }

    /// <summary>bound + direction · exp(x): onto (bound, ∞) for direction 1, (−∞, bound) for −1.</summary>
    private static Transform OntoHalfLine(Bound bound, double direction) =>
        !bound.IsTensor && bound.Value == 0 && direction > 0
            ? ExpTransform.Instance
            : new ComposeTransform(ExpTransform.Instance, new AffineTransform(bound, direction));

    /// <summary>lower + (upper − lower) · σ(x).</summary>
    private static Transform OntoInterval(Bound lower, Bound upper)
    {
        if (!lower.IsTensor && !upper.IsTensor)
        {
            return lower.Value == 0 && upper.Value == 1
                ? SigmoidTransform.Instance
                : new ComposeTransform(SigmoidTransform.Instance, new AffineTransform(lower.Value, upper.Value - lower.Value));
        }

        Tensor width = upper.IsTensor
            ? (lower.IsTensor ? upper.Tensor!.sub(lower.Tensor!) : upper.Tensor!.sub(lower.Value))
            : lower.Tensor!.neg().add(upper.Value);
        return new ComposeTransform(SigmoidTransform.Instance, new AffineTransform(lower, width));
    }
}
