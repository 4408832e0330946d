using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Handlers;

/// <summary>
/// Conditioning a deterministic site means what it means in Pyro, where <c>deterministic</c> is a
/// Delta sample site at the computed value: the site takes the observed value and the model
/// continues with it. Unlike Pyro (which masks that Delta out) the site also contributes the
/// Delta's log-density, 0 where the observation equals the computed value and −∞ elsewhere, so
/// the observation conditions the model instead of silently overriding it.
/// </summary>
[Collection("Sequential")]
public sealed class ConditionDeterministicTests
{
    // a ~ N(0, 1); d = 2a; the model returns d + 1
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var a = Sample("a", F64.Normal64(0, 1));
        var d = Deterministic("d", a.mul(2));
        return d.add(1);
    };

    [Fact]
    public void AConditionedDeterministicSiteTakesTheObservedValue()
    {
        using var scope = NewDisposeScope();
        using var warnings = PplWarnings.Capture(out var issued);
        var (trace, returned) = Model.Condition(F64.Data(("d", F64.T(9.0)))).TraceRun(false);

        Assert.Equal(10.0, F64.D(returned));
        var d = trace["d"];
        Assert.Equal(SiteKind.Sample, d.Kind);
        Assert.True(d.IsObserved);
        Assert.Equal(9.0, F64.D(d.Value!));
        Assert.IsType<Delta>(d.Distribution);
        Assert.Equal(true, d.Infer.Extra[ConditionMessenger.DeterministicKey]);
        Assert.Empty(issued); // the data was used: no "no site named 'd'" warning
    }

    [Theory]
    [InlineData(4.5, 0.0)] // 2a = 9: the observation is what the model computes
    [InlineData(1.0, double.NegativeInfinity)]
    public void ItContributesTheDeltaLogDensity(double a, double expected)
    {
        using var scope = NewDisposeScope();
        var trace = Model.Condition(F64.Data(("a", F64.T(a)), ("d", F64.T(9.0)))).GetTrace(false);
        Assert.Equal(expected, F64.D(trace["d"].LogProb()));
        double aDensity = MathNet.Numerics.Distributions.Normal.PDFLn(0, 1, a);
        Assert.Equal(aDensity + expected, F64.D(trace.LogProbSum()));
    }

    [Fact]
    public void InsideAPlateEachEntryIsItsOwnPointMass()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            using var plate = Plate("items", 3);
            var a = Sample("a", F64.Normal64(0, 1));
            return Deterministic("d", a.mul(2));
        };
        var data = F64.Data(("a", tensor(new[] { 1.0, 2.0, 3.0 }, dtype: float64)), ("d", tensor(new[] { 2.0, 5.0, 6.0 }, dtype: float64)));
        var trace = model.Condition(data).GetTrace(false);
        var d = trace["d"];
        Assert.Equal("items", Assert.Single(d.Plates).Name);
        Assert.Equal(new[] { 0.0, double.NegativeInfinity, 0.0 }, d.LogProb().data<double>().ToArray());
    }

    [Fact]
    public void EventDimsMakeOnePointMassPerEvent()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            var a = Sample("a", F64.Normal64(0, 1).Expand(2, 3));
            return Deterministic("d", a.mul(2), eventDim: 1);
        };
        var data = F64.Data(
            ("a", tensor(new[,] { { 1.0, 2.0, 3.0 }, { 1.0, 1.0, 1.0 } }, dtype: float64)),
            ("d", tensor(new[,] { { 2.0, 4.0, 6.0 }, { 2.0, 2.0, 0.0 } }, dtype: float64)));
        var d = model.Condition(data).GetTrace(false)["d"];
        Assert.Equal(new long[] { 2 }, d.Distribution!.BatchShape);
        Assert.Equal(new long[] { 3 }, d.Distribution.EventShape);
        Assert.Equal(new[] { 0.0, double.NegativeInfinity }, d.LogProb().data<double>().ToArray());
    }
}
