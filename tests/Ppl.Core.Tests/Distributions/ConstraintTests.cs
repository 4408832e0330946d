using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class ConstraintTests
{
    private static bool[] Check(Constraint c, Tensor v) => c.Check(v).data<bool>().ToArray();

    [Fact]
    public void ScalarConstraintsAcceptAndRejectTheRightValues()
    {
        using var scope = NewDisposeScope();
        var v = tensor(new[] { -1.0, 0.0, 0.5, 1.0, 2.0, double.NaN });
        Assert.Equal([true, true, true, true, true, false], Check(Constraints.Real, v));
        Assert.Equal([false, false, true, true, true, false], Check(Constraints.Positive, v));
        Assert.Equal([false, true, true, true, true, false], Check(Constraints.NonNegative, v));
        Assert.Equal([false, true, true, true, false, false], Check(Constraints.UnitInterval, v));
        Assert.Equal([false, true, true, false, false, false], Check(Constraints.HalfOpenInterval(0.0, 1.0), v));
        Assert.Equal([true, true, true, false, false, false], Check(Constraints.LessThan(1.0), v));
        Assert.Equal([false, true, false, true, false, false], Check(Constraints.Boolean, v));
        Assert.Equal([false, true, false, true, true, false], Check(Constraints.NonNegativeInteger, v));
        Assert.Equal([false, false, false, true, true, false], Check(Constraints.PositiveInteger, v));
        Assert.Equal([true, true, false, true, false, false], Check(Constraints.IntegerInterval(-1.0, 1.0), v));
    }

    [Fact]
    public void TensorBoundsCompareElementwise()
    {
        using var scope = NewDisposeScope();
        var low = tensor(new[] { 0.0, 1.0, 2.0 });
        var high = tensor(new[] { 1.0, 2.0, 3.0 });
        var c = Constraints.Interval(low, high);
        Assert.Equal([true, false, true], Check(c, tensor(new[] { 0.5, 0.5, 3.0 })));
        Assert.Equal([true, true, false], Check(Constraints.IntegerInterval(0.0, tensor(new[] { 2.0, 3.0, 1.0 })), tensor(new[] { 2.0, 3.0, 2.0 })));
        Assert.StartsWith("interval(tensor[3]", c.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EventConstraintsReturnOneAnswerPerEvent()
    {
        using var scope = NewDisposeScope();
        var simplex = tensor(new[] { 0.2, 0.3, 0.5, 0.5, 0.6, -0.1, 0.5, 0.6, 0.1 }).reshape(3, 3);
        Assert.Equal([true, false, false], Check(Constraints.Simplex, simplex));
        var oneHot = tensor(new[] { 0.0, 1.0, 0.0, 1.0, 1.0, 0.0 }).reshape(2, 3);
        Assert.Equal([true, false], Check(Constraints.OneHot, oneHot));
        var counts = tensor(new[] { 1.0, 2.0, 0.0, 3.0, 1.5, 0.0 }).reshape(2, 3);
        Assert.Equal([true, false], Check(Constraints.Multinomial(4.0), counts));
        var l = tensor(new[] { 1.0, 0.0, 0.5, 2.0, 1.0, 0.3, 0.5, 2.0, 1.0, 0.0, 0.5, -2.0 }).reshape(3, 2, 2);
        Assert.Equal([true, false, false], Check(Constraints.LowerCholesky, l));
        var pd = tensor(new[] { 2.0, 0.5, 0.5, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 0.2, 0.3, 1.0 }).reshape(3, 2, 2);
        Assert.Equal([true, false, false], Check(Constraints.PositiveDefinite, pd));
        var vectors = tensor(new[] { 1.0, 2.0, double.NaN, 0.0 }).reshape(2, 2);
        Assert.Equal([true, false], Check(Constraints.RealVector, vectors));
        Assert.Equal(1, Constraints.RealVector.EventDim);
        Assert.Equal(2, Constraints.Independent(Constraints.Simplex, 1).EventDim);
    }

    [Theory]
    [InlineData("real")]
    [InlineData("greater_than(0)")]
    [InlineData("greater_than_eq(-1.5)")]
    [InlineData("less_than(3)")]
    [InlineData("interval(0,1)")]
    [InlineData("half_open_interval(-2,2.5)")]
    [InlineData("integer_interval(0,10)")]
    [InlineData("integer_greater_than_or_equal(1)")]
    [InlineData("boolean")]
    [InlineData("simplex")]
    [InlineData("one_hot")]
    [InlineData("lower_cholesky")]
    [InlineData("positive_definite")]
    [InlineData("multinomial(5)")]
    [InlineData("independent(interval(0,1),2)")]
    [InlineData("independent(independent(real,1),1)")]
    public void TextFormRoundTripsThroughParse(string text)
    {
        var c = Constraints.Parse(text);
        Assert.Equal(text, c.ToString());
        Assert.Equal(c, Constraints.Parse(c.ToString()));
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("interval(a,1)")]
    [InlineData("greater_than()")]
    public void ParseRejectsUnknownText(string text) => Assert.Throws<FormatException>(() => Constraints.Parse(text));

    [Fact]
    public void DiscretenessAndEqualityFollowTheRegion()
    {
        Assert.True(Constraints.Boolean.IsDiscrete);
        Assert.True(Constraints.Independent(Constraints.NonNegativeInteger, 1).IsDiscrete);
        Assert.False(Constraints.Simplex.IsDiscrete);
        Assert.Equal(Constraints.Interval(0.0, 1.0), Constraints.UnitInterval);
        Assert.NotEqual(Constraints.Interval(0.0, 1.0), Constraints.HalfOpenInterval(0.0, 1.0));
        Assert.NotEqual(Constraints.GreaterThan(0.0), Constraints.GreaterThanEq(0.0));
    }
}
