using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Handlers;

[Collection("Sequential")]
public sealed class UnconditionTests
{
    // a ~ N(0, 1) latent, y ~ N(0, 1) observed at 5 in the model
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        Sample("a", F64.Normal64(0, 1));
        return Sample("y", F64.Normal64(0, 1), obs: F64.T(5.0));
    };

    [Fact]
    public void ObservedSiteBecomesLatentAndKeepsItsObservationInInfer()
    {
        using var scope = NewDisposeScope();
        var (trace, returned) = Model.Uncondition().TraceRun(false);
        var y = trace["y"];

        Assert.True(y.IsLatent);
        Assert.True(y.Infer.WasObserved);
        Assert.Equal(5.0, F64.D(y.Infer.Obs!));
        Assert.NotEqual(5.0, F64.D(y.Value!)); // drawn from N(0, 1), not the observation
        Assert.Same(returned, y.Value);
        Assert.Equal(MathNormal.PDFLn(0, 1, F64.D(y.Value!)) + MathNormal.PDFLn(0, 1, F64.D(trace["a"].Value!)), F64.D(trace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void ConditionInsideUnconditionIsUndoneToo()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Condition(F64.Data(("a", F64.T(-2.0)))).Uncondition().GetTrace(false);
        var a = trace["a"];

        Assert.True(a.IsLatent);
        Assert.True(a.Infer.WasObserved);
        Assert.Equal(-2.0, F64.D(a.Infer.Obs!));
        Assert.NotEqual(-2.0, F64.D(a.Value!));
    }

    [Fact]
    public void LatentSitesAreLeftAlone()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Uncondition().GetTrace(false);

        Assert.False(trace["a"].Infer.WasObserved);
        Assert.Null(trace["a"].Infer.Obs);
    }
}
