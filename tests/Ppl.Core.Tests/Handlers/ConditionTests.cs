using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Handlers;

[Collection("Sequential")]
public sealed class ConditionTests
{
    // x ~ N(0, 1), y ~ N(x, 2)
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var x = Sample("x", F64.Normal64(0, 1));
        return Sample("y", new Normal(x, 2.0));
    };

    [Fact]
    public void ConditionedSiteIsObservedWithTheExactValueAndOthersStayLatent()
    {
        using var scope = NewDisposeScope();
        var (trace, returned) = Model.Condition(F64.Data(("y", F64.T(0.7)))).TraceRun(false);

        Assert.True(trace["y"].IsObserved);
        Assert.Equal(0.7, F64.D(trace["y"].Value!));
        Assert.Equal(0.7, F64.D(returned));
        Assert.True(trace["x"].IsLatent);
        Assert.Equal(new[] { "x" }, trace.LatentSites.Select(s => s.Name));
        Assert.Equal(new[] { "y" }, trace.ObservedSites.Select(s => s.Name));
    }

    [Fact]
    public void LogProbSumIsTheLogJointAtTheTracedValues()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Condition(F64.Data(("y", F64.T(0.7)))).GetTrace(false);
        double x = F64.D(trace["x"].Value!);

        double expected = MathNormal.PDFLn(0, 1, x) + MathNormal.PDFLn(x, 2, 0.7);
        Assert.Equal(expected, F64.D(trace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void FunctionOverloadConditionsTheSitesItReturnsAValueFor()
    {
        using var scope = NewDisposeScope();
        var y = F64.T(-1.5);
        var trace = Model.With(() => new ConditionMessenger(m => m.Name == "y" ? y : null)).GetTrace(false);

        Assert.True(trace["y"].IsObserved);
        Assert.Equal(-1.5, F64.D(trace["y"].Value!));
        Assert.True(trace["x"].IsLatent);
    }

    [Fact]
    public void ConditionOverridesAnObservationWrittenInTheModel()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Sample("y", F64.Normal64(0, 1), obs: F64.T(1.0));
        var trace = model.Condition(F64.Data(("y", F64.T(2.0)))).GetTrace(false);

        Assert.Equal(2.0, F64.D(trace["y"].Value!));
        Assert.Equal(MathNormal.PDFLn(0, 1, 2.0), F64.D(trace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void RecordedValueIsAnAliasSoDisposingItKeepsUserData()
    {
        using var scope = NewDisposeScope();
        var y = F64.T(0.7);
        var trace = Model.Condition(F64.Data(("y", y))).GetTrace(false);
        var recorded = trace["y"].Value!;

        Assert.NotSame(y, recorded);
        recorded.Dispose();
        Assert.False(y.IsInvalid);
        Assert.Equal(0.7, F64.D(y));
    }

    [Fact]
    public void ConditionDoesNotTouchParamSites()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            var w = Param("w", F64.T(0.5));
            return Deterministic("d", w.mul(2));
        };
        Dictionary<string, Tensor> data = F64.Data(("w", F64.T(9.0)));

        using (PplWarnings.Capture(out _))
        {
            var trace = model.Condition(data).GetTrace(false);
            Assert.Equal(0.5, F64.D(trace["w"].Value!));
            Assert.Equal(1.0, F64.D(trace["d"].Value!));
            Assert.Equal(SiteKind.Deterministic, trace["d"].Kind); // not conditioned: still a deterministic site
        }
    }
}
