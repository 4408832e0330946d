using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using static TorchSharp.torch;
using C = Ppl.Distributions.Constraints;

namespace Ppl.Tests.Distributions.Transforms;

/// <summary>BijectTo maps unconstrained reals into each constraint and back.</summary>
[Collection("Sequential")]
public sealed class BijectToTests
{
    private static readonly Dictionary<string, (Func<Constraint> Make, long[] ValueShape)> Targets = new()
    {
        ["real"] = (() => C.Real, [5, 3]),
        ["positive"] = (() => C.Positive, [5, 3]),
        ["nonnegative"] = (() => C.NonNegative, [5, 3]),
        ["greater_than(2)"] = (() => C.GreaterThan(2.0), [5, 3]),
        ["greater_than(tensor)"] = (() => C.GreaterThan(tensor(new[] { -1.0, 0.0, 10.0 }, dtype: float64)), [5, 3]),
        ["less_than(1)"] = (() => C.LessThan(1.0), [5, 3]),
        ["unit_interval"] = (() => C.UnitInterval, [5, 3]),
        ["interval(-2, 3)"] = (() => C.Interval(-2.0, 3.0), [5, 3]),
        ["interval(2, tensor)"] = (() => C.Interval(2.0, tensor(new[] { 3.0, 4.0, 100.0 }, dtype: float64)), [5, 3]),
        ["simplex"] = (() => C.Simplex, [5, 4]),
        ["lower_cholesky"] = (() => C.LowerCholesky, [5, 3, 3]),
        ["positive_definite"] = (() => C.PositiveDefinite, [5, 3, 3]),
        ["independent(positive, 1)"] = (() => C.Independent(C.Positive, 1), [5, 3]),
    };

    public static TheoryData<string> Names => new(Targets.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void UnconstrainedDrawsLandInsideAndRoundTrip(string name)
    {
        using var scope = NewDisposeScope();
        var (make, valueShape) = Targets[name];
        var constraint = make();
        var t = Bijectors.BijectTo(constraint);
        Assert.Equal(constraint.EventDim, t.CodomainEventDim);
        var x = randn(t.InverseShape(valueShape), dtype: float64, generator: new Generator(7, CPU)).mul(2);
        var y = t.Forward(x);
        Assert.Equal(valueShape, y.shape);
        Assert.True(constraint.Check(y).all().item<bool>(), $"BijectTo({constraint}) = {t} leaves the constraint");
        Assert.True(t.Inverse(y).allclose(x, rtol: 1e-7, atol: 1e-7), $"BijectTo({constraint}) = {t} does not round trip");
    }

    [Fact]
    public void ZeroMapsToTheUniformVectorOnTheSimplex()
    {
        using var scope = NewDisposeScope();
        var y = Bijectors.BijectTo(C.Simplex).Forward(zeros(3, dtype: float64));
        Assert.True(y.allclose(full(4, 0.25, dtype: float64), rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void DiscreteConstraintsHaveNoBijection()
    {
        var e = Assert.Throws<NotSupportedException>(() => Bijectors.BijectTo(C.Boolean));
        Assert.Contains("boolean", e.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => Bijectors.BijectTo(C.NonNegativeInteger));
    }

    [Fact]
    public void RegisteredRulesServeNewConstraintTypes()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<NotSupportedException>(() => Bijectors.BijectTo(new OddConstraint()));
        Bijectors.Register<OddConstraint>(_ => SoftplusTransform.Instance);
        Assert.Same(SoftplusTransform.Instance, Bijectors.BijectTo(new OddConstraint()));
    }

    private sealed class OddConstraint : Constraint
    {
        public override Tensor Check(Tensor value) => value.gt(0);

        public override string ToString() => "odd";
    }
}
