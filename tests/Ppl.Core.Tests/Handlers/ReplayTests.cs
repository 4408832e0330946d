using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Handlers;

[Collection("Sequential")]
public sealed class ReplayTests
{
    // model: x ~ N(0, 1), y ~ N(x, 1) observed at 0.5
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var x = Sample("x", F64.Normal64(0, 1));
        return Sample("y", new Normal(x, 1.0), obs: F64.T(0.5));
    };

    // guide: x ~ N(3, 0.1), and a latent y the model observes
    private static readonly Func<bool, Tensor> Guide = _ =>
    {
        Sample("y", F64.Normal64(-4, 0.1));
        return Sample("x", F64.Normal64(3, 0.1));
    };

    [Fact]
    public void ReplayAliasesValuesUnlessToldToShareThem()
    {
        using var scope = NewDisposeScope();
        var guideTrace = Guide.GetTrace(false);
        var aliased = Model.Replay(guideTrace).GetTrace(false);
        var shared = Model.With(() => new ReplayMessenger(guideTrace) { ShareValues = true }).GetTrace(false);

        // the default protects the replayed trace: disposing a value of one trace leaves the other alive
        Assert.False(ReferenceEquals(guideTrace["x"].Value, aliased["x"].Value));
        aliased["x"].Value!.Dispose();
        Assert.Equal(F64.D(guideTrace["x"].Value!), F64.D(shared["x"].Value!));
        Assert.True(ReferenceEquals(guideTrace["x"].Value, shared["x"].Value));
    }

    [Fact]
    public void LatentSitesTakeTheGuideValuesAndObservedSitesKeepTheirObservation()
    {
        using var scope = NewDisposeScope();
        var guideTrace = Guide.GetTrace(false);
        var modelTrace = Model.Replay(guideTrace).GetTrace(false);

        double gx = F64.D(guideTrace["x"].Value!);
        Assert.True(F64.Identical(guideTrace["x"].Value!, modelTrace["x"].Value!));
        Assert.True(modelTrace["x"].IsLatent);
        Assert.True(modelTrace["y"].IsObserved);
        Assert.Equal(0.5, F64.D(modelTrace["y"].Value!));

        double expected = MathNormal.PDFLn(0, 1, gx) + MathNormal.PDFLn(gx, 1, 0.5);
        Assert.Equal(expected, F64.D(modelTrace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void DownstreamSitesSeeTheReplayedValue()
    {
        using var scope = NewDisposeScope();
        var guideTrace = Guide.GetTrace(false);
        var modelTrace = Model.Replay(guideTrace).GetTrace(false);

        Assert.Equal(F64.D(guideTrace["x"].Value!), F64.D(((Normal)modelTrace["y"].Distribution!).Loc));
    }

    [Fact]
    public void ReplayingASiteThatWasObservedInTheTraceThrows()
    {
        using var scope = NewDisposeScope();
        var observedTrace = Guide.Condition(F64.Data(("x", F64.T(1.0)))).GetTrace(false);

        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            using (new ReplayMessenger(observedTrace).Install())
            {
                Model(false);
            }
        });
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains("observed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayingASiteThatWasObservedInTheTraceFailsTracedRunsWithTheCause()
    {
        using var scope = NewDisposeScope();
        var observedTrace = Guide.Condition(F64.Data(("x", F64.T(1.0)))).GetTrace(false);

        var e = Assert.Throws<ModelExecutionException>(() => Model.Replay(observedTrace).GetTrace(false));
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    [Fact]
    public void SitesMissingFromTheTraceAreDrawn()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> other = _ => Sample("z", F64.Normal64(0, 1));
        var otherTrace = other.GetTrace(false);

        var modelTrace = Model.Replay(otherTrace).GetTrace(false);

        Assert.True(modelTrace["x"].IsLatent);
        Assert.False(F64.Identical(otherTrace["z"].Value!, modelTrace["x"].Value!));
    }
}
