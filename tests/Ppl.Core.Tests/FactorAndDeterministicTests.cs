using Ppl.Effects;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests;

[Collection("Sequential")]
public sealed class FactorAndDeterministicTests
{
    [Fact]
    public void FactorAddsExactlyItsLogFactor()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> withoutFactor = _ => Sample("y", F64.Normal64(0, 1), obs: F64.T(0.3));
        Func<bool, Tensor> withFactor = _ =>
        {
            Factor("penalty", F64.T(-1.25));
            return withoutFactor(false);
        };

        var trace = withFactor.GetTrace(false);

        Assert.Equal(-1.25, F64.D(trace.LogProbSum(s => s.Name == "penalty")));
        Assert.Equal(F64.D(withoutFactor.GetTrace(false).LogProbSum()) - 1.25, F64.D(trace.LogProbSum()));
        Assert.Equal(MathNormal.PDFLn(0, 1, 0.3) - 1.25, F64.D(trace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void FactorIsAnObservedAuxiliarySampleSite()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            Factor("penalty", F64.T(-1.25));
            return F64.T(0.0);
        };

        var site = model.GetTrace(false)["penalty"];

        Assert.Equal(SiteKind.Sample, site.Kind);
        Assert.True(site.IsObserved);
        Assert.True(site.Infer.IsAuxiliary);
    }

    [Fact]
    public void BatchedFactorContributesTheSumOfItsEntries()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            Factor("penalty", F64.T(-1.0, -2.5, 0.5));
            return F64.T(0.0);
        };

        Assert.Equal(-3.0, F64.D(model.GetTrace(false).LogProbSum()));
    }

    [Fact]
    public void ScaledFactorIsScaled()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            Factor("penalty", F64.T(-1.25));
            return F64.T(0.0);
        };

        Assert.Equal(-5.0, F64.D(model.Scale(4.0).GetTrace(false).LogProbSum()));
    }

    [Fact]
    public void DeterministicIsRecordedWithItsKindAndExcludedFromLogProbSum()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            var x = Sample("x", F64.Normal64(0, 1), obs: F64.T(0.3));
            return Deterministic("twice", x.mul(2));
        };

        var (trace, value) = model.TraceRun(false);
        var site = trace["twice"];

        Assert.Equal(SiteKind.Deterministic, site.Kind);
        Assert.Equal(0.6, F64.D(site.Value!));
        Assert.Same(value, site.Value);
        Assert.DoesNotContain(trace.SampleSites, s => s.Name == "twice");
        Assert.Equal(MathNormal.PDFLn(0, 1, 0.3), F64.D(trace.LogProbSum()), 1e-12);
        Assert.Throws<InvalidOperationException>(() => site.LogProb());
    }

    [Fact]
    public void DeterministicInsideAPlateCarriesTheFrame()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            using var plate = Plate("p", 2);
            return Deterministic("d", F64.T(1.0, 2.0));
        };

        var frame = Assert.Single(model.GetTrace(false)["d"].Plates);
        Assert.Equal("p", frame.Name);
    }

    [Fact]
    public void DeterministicOutsideHandlersReturnsTheValueItself()
    {
        using var scope = NewDisposeScope();
        var value = F64.T(1.5);
        Assert.Same(value, Deterministic("d", value));
    }
}
