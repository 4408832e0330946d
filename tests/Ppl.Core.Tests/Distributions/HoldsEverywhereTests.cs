using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// <see cref="Constraint.HoldsEverywhere"/> decides "every entry lies in the region" with one
/// reduction where it can (a sum for reals, a min for lower bounds) and falls back to the exact
/// check when that is inconclusive. Its answer must always be <c>Check(value).all()</c>, the
/// definition; the cases below aim at the places where the shortcut and the definition could part.
/// </summary>
[Collection("Sequential")]
public sealed class HoldsEverywhereTests
{
    private static bool Exact(Constraint c, Tensor v) => c.Check(v).all().item<bool>();

    /// <summary>Asserts the expected answer and that it is the exact check's.</summary>
    private static void AssertHolds(bool expected, Constraint c, Tensor v, string what)
    {
        Assert.True(expected == Exact(c, v), $"{what}: the exact check is {Exact(c, v)}; the test expects {expected}");
        Assert.True(expected == c.HoldsEverywhere(v), $"{what}: {c}.HoldsEverywhere is {!expected}, Check(value).all() is {expected}");
    }

    public static TheoryData<ScalarType> FloatTypes => new([ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16]);

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void RealHoldsForFiniteAndInfiniteValuesAndFailsOnAnyNaN(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var real = Constraints.Real;
        AssertHolds(true, real, tensor(new[] { -3.0, 0.0, 2.5, 1e3 }).to(dtype), $"finite {dtype}");
        AssertHolds(true, real, tensor(1.5).to(dtype), $"0-dim {dtype}");
        AssertHolds(false, real, tensor(new[] { 1.0, double.NaN, 2.0 }).to(dtype), $"one NaN {dtype}");
        AssertHolds(false, real, tensor(double.NaN).to(dtype), $"0-dim NaN {dtype}");
        AssertHolds(true, real, tensor(new[] { double.PositiveInfinity, 1.0 }).to(dtype), $"+∞ {dtype}");

        // +∞ and −∞ together sum to NaN although no entry is NaN: the shortcut is inconclusive
        AssertHolds(true, real, tensor(new[] { double.PositiveInfinity, 0.5, double.NegativeInfinity }).to(dtype), $"+∞ and −∞ {dtype}");
        AssertHolds(false, real, tensor(new[] { double.PositiveInfinity, double.NaN, double.NegativeInfinity }).to(dtype), $"±∞ and NaN {dtype}");
        AssertHolds(true, real, zeros(0, 3).to(dtype), $"empty {dtype}");
    }

    [Fact]
    public void RealHoldsWhenTheSumOverflows()
    {
        using var scope = NewDisposeScope();
        AssertHolds(true, Constraints.Real, tensor(new[] { 3e38f, 3e38f }), "float32 sum overflowing to +∞");
        AssertHolds(true, Constraints.Real, tensor(new[] { 3e38f, 3e38f, -3e38f, -3e38f, -3e38f }), "float32 sums overflowing both ways");
    }

    [Fact]
    public void RealHoldsForIntegerAndBooleanTensors()
    {
        using var scope = NewDisposeScope();
        AssertHolds(true, Constraints.Real, tensor(new long[] { -5, 0, 7 }), "int64");
        AssertHolds(true, Constraints.Real, tensor(new[] { 1, 2 }), "int32");
        AssertHolds(true, Constraints.Real, tensor(new[] { true, false }), "bool");
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void PositiveRejectsZeroNegativesAndNaNAndAcceptsTheEmptyTensor(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var positive = Constraints.Positive;
        AssertHolds(true, positive, tensor(new[] { 0.25, 3.0, 1e3 }).to(dtype), $"positive {dtype}");
        AssertHolds(true, positive, tensor(new[] { double.PositiveInfinity, 2.0 }).to(dtype), $"+∞ {dtype}");
        AssertHolds(false, positive, tensor(new[] { 0.25, 0.0, 3.0 }).to(dtype), $"a zero {dtype}");
        AssertHolds(false, positive, tensor(new[] { 0.25, -0.0, 3.0 }).to(dtype), $"a −0 {dtype}");
        AssertHolds(false, positive, tensor(new[] { 0.25, -1.0 }).to(dtype), $"a negative {dtype}");
        AssertHolds(false, positive, tensor(new[] { 0.25, double.NaN, 3.0 }).to(dtype), $"a NaN {dtype}");
        AssertHolds(false, positive, tensor(new[] { double.NaN }).to(dtype), $"only NaN {dtype}");
        AssertHolds(true, positive, zeros(0).to(dtype), $"empty {dtype}");
        AssertHolds(true, positive, zeros(3, 0).to(dtype), $"empty [3, 0] {dtype}");
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void NonNegativeAcceptsZeroAndRejectsNaN(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var nonNegative = Constraints.NonNegative;
        AssertHolds(true, nonNegative, tensor(new[] { 0.0, 2.0 }).to(dtype), $"a zero {dtype}");
        AssertHolds(true, nonNegative, tensor(new[] { -0.0, 2.0 }).to(dtype), $"a −0 {dtype}");
        AssertHolds(false, nonNegative, tensor(new[] { 0.0, -1e-3 }).to(dtype), $"a negative {dtype}");
        AssertHolds(false, nonNegative, tensor(new[] { 0.0, double.NaN }).to(dtype), $"a NaN {dtype}");
    }

    [Fact]
    public void LowerBoundsOnIntegerTensorsUseTheExactCheck()
    {
        using var scope = NewDisposeScope();
        AssertHolds(true, Constraints.Positive, tensor(new long[] { 1, 5 }), "int64 positive");
        AssertHolds(false, Constraints.Positive, tensor(new long[] { 1, 0 }), "int64 with a zero");
        AssertHolds(true, Constraints.NonNegative, tensor(new[] { 0, 3 }), "int32 with a zero, inclusive");
        AssertHolds(false, Constraints.NonNegative, tensor(new[] { 0, -3 }), "int32 negative, inclusive");
    }

    [Fact]
    public void OtherNumericAndTensorBoundsAgreeWithTheExactCheck()
    {
        using var scope = NewDisposeScope();
        AssertHolds(true, Constraints.GreaterThan(-2.0), tensor(new[] { -1.5, 0.0 }), "greater_than(−2)");
        AssertHolds(false, Constraints.GreaterThan(-2.0), tensor(new[] { -2.0, 0.0 }), "greater_than(−2) at −2");
        AssertHolds(true, Constraints.GreaterThanEq(-2.0), tensor(new[] { -2.0, 0.0 }), "greater_than_eq(−2) at −2");
        var bound = tensor(new[] { 0.0, 1.0, 2.0 });
        AssertHolds(true, Constraints.GreaterThan(bound), tensor(new[] { 0.5, 1.5, 2.5 }), "tensor bound");
        AssertHolds(false, Constraints.GreaterThan(bound), tensor(new[] { 0.5, 0.5, 2.5 }), "tensor bound, one below");
    }

    [Fact]
    public void AFloat32ValueAtABoundThatFloat32CannotRepresentGetsTheExactAnswer()
    {
        // 0.1f is 0.100000001490116…: in float32 arithmetic (the exact check) it equals the bound 0.1,
        // so greater_than(0.1) does not hold; compared as a double it lies above 0.1
        using var scope = NewDisposeScope();
        var value = tensor(new[] { 0.1f, 0.5f });
        AssertHolds(Exact(Constraints.GreaterThan(0.1), value), Constraints.GreaterThan(0.1), value, "greater_than(0.1) at 0.1f");
    }

    [Fact]
    public void IndependentDelegatesToItsBase()
    {
        using var scope = NewDisposeScope();
        var positiveVectors = Constraints.Independent(Constraints.Positive, 1);
        AssertHolds(true, positiveVectors, tensor(new[] { 0.5, 1.0, 2.0, 3.0 }).reshape(2, 2), "independent(positive, 1)");
        AssertHolds(false, positiveVectors, tensor(new[] { 0.5, 1.0, 0.0, 3.0 }).reshape(2, 2), "independent(positive, 1) with a zero");
        AssertHolds(false, positiveVectors, tensor(new[] { 0.5, double.NaN, 1.0, 3.0 }).reshape(2, 2), "independent(positive, 1) with a NaN");
        AssertHolds(true, Constraints.RealVector, tensor(new[] { double.PositiveInfinity, double.NegativeInfinity }).reshape(1, 2), "real_vector ±∞");
        AssertHolds(false, Constraints.RealVector, tensor(new[] { 1.0, double.NaN }).reshape(1, 2), "real_vector NaN");
    }

    [Fact]
    public void DistributionsUseItForValidation()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new Normal(zeros(2), ones(2)).LogProb(tensor(new[] { 0.0f, float.NaN })));
        Assert.Throws<ArgumentException>(() => new LogNormal(zeros(2), ones(2)).LogProb(tensor(new[] { 1.0f, 0.0f })));
        Assert.Throws<ArgumentException>(() => new Normal(zeros(2), tensor(new[] { 1.0f, 0.0f })));
        Assert.Throws<ArgumentException>(() => new Normal(zeros(2), tensor(new[] { 1.0f, float.NaN })));
        Assert.Throws<ArgumentException>(() => new Gamma(tensor(new[] { 1.0f, -1.0f }), ones(2)));

        // ±∞ together is a real value: accepted, with the density's own answer (−∞)
        var lp = new Normal(zeros(2), ones(2)).LogProb(tensor(new[] { float.PositiveInfinity, float.NegativeInfinity }));
        Assert.True(lp.isneginf().all().item<bool>());
    }

    [Fact]
    public void MetaTensorsAreNotCheckedByDistributions()
    {
        using var scope = NewDisposeScope();
        var meta = device("meta");
        var loc = zeros(new long[] { 3 }, device: meta);
        var scale = ones(new long[] { 3 }, device: meta);
        var value = zeros(new long[] { 2, 3 }, device: meta);
        Assert.Equal([2L, 3L], new Normal(loc, scale).LogProb(value).shape);
        Assert.Equal([2L, 3L], new LogNormal(loc, scale).LogProb(value).shape);
        Assert.Equal([2L, 3L], new Laplace(loc, scale).LogProb(value).shape);
        Assert.Equal([2L, 3L], new Gamma(scale, scale).LogProb(value).shape);
        Assert.Equal([2L], new Normal(loc, scale).ToEvent(1).LogProb(value).shape);
        Assert.Equal(DeviceType.META, new Normal(loc, 2.5).LogProb(value).device_type);
    }
}
