using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Handlers;

/// <summary>DoMessenger with Pyro's semantics: the site is split into a drawn node and an observed <c>name__CF</c> node.</summary>
[Collection("Sequential")]
public sealed class DoTests
{
    // x ~ N(0, 1), y ~ N(x, 0.5)
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var x = Sample("x", F64.Normal64(0, 1));
        return Sample("y", new Normal(x, 0.5));
    };

    [Fact]
    public void IntervenedSiteIsStillDrawnUnderItsOwnName()
    {
        using var scope = NewDisposeScope();
        var intervened = Model.Do(F64.Data(("x", F64.T(1.0)))).Seed(11).GetTrace(false);
        var plain = Model.Seed(11).GetTrace(false);

        // the recorded x is the draw the un-intervened model makes with the same seed, not the intervention
        Assert.True(intervened["x"].IsLatent);
        Assert.True(F64.Identical(intervened["x"].Value!, plain["x"].Value!));
        Assert.NotEqual(1.0, F64.D(intervened["x"].Value!));
    }

    [Fact]
    public void DownstreamSitesSeeTheInterventionValue()
    {
        using var scope = NewDisposeScope();
        var (trace, _) = Model.Do(F64.Data(("x", F64.T(1.0)))).TraceRun(false);

        var y = Assert.IsType<Normal>(trace["y"].Distribution);
        Assert.Equal(1.0, F64.D(y.Loc));
        Assert.Equal(0.5, F64.D(y.Scale));
    }

    [Fact]
    public void CounterfactualNodeIsHiddenFromOuterHandlersButSeenInside()
    {
        using var scope = NewDisposeScope();
        var outer = new TraceMessenger();
        var inner = new TraceMessenger();
        using (outer.Install())
        using (new DoMessenger(F64.Data(("x", F64.T(1.0)))).Install())
        using (inner.Install())
        {
            Model(false);
        }

        Assert.False(outer.Trace.Contains("x" + DoMessenger.CounterfactualSuffix));
        Assert.Equal(new[] { "x", "y" }, outer.Trace.Nodes.Select(s => s.Name));

        var cf = inner.Trace["x__CF"];
        Assert.True(cf.IsObserved);
        Assert.Equal(1.0, F64.D(cf.Value!));
        Assert.True(inner.Trace["x"].IsLatent);
    }

    [Fact]
    public void DoInsideAPlateDrawsTheBatchedSiteAndFeedsTheInterventionDownstream()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            using var plate = Plate("n", 3);
            var x = Sample("x", F64.Normal64(0, 1));
            return Sample("y", new Normal(x, 1.0));
        };

        var trace = model.Do(F64.Data(("x", F64.T(1.0, 2.0, 3.0)))).GetTrace(false);

        var x = trace["x"];
        Assert.True(x.IsLatent);
        Assert.Equal(new long[] { 3 }, x.Value!.shape);
        Assert.Equal(new long[] { 3 }, x.Distribution!.BatchShape);
        var frame = Assert.Single(x.Plates);
        Assert.Equal(("n", -1), (frame.Name, frame.Dim!.Value));
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, F64.Values(((Normal)trace["y"].Distribution!).Loc));
    }

    [Fact]
    public void DoubleInterventionWarnsOnceAndTerminates()
    {
        // Two nested Do handlers on the same site. Pyro warns ("intervening … more than once"); the
        // run must still terminate. An innermost guard turns runaway re-entry into an exception
        // instead of a stack overflow that would kill the test host.
        using var scope = NewDisposeScope();
        var guard = new ReentryGuard(limit: 50);
        var outerTrace = new TraceMessenger();
        Tensor returned;
        using (PplWarnings.Capture(out var warnings))
        {
            using (outerTrace.Install())
            using (new DoMessenger(F64.Data(("x", F64.T(2.0)))).Install())
            using (new DoMessenger(F64.Data(("x", F64.T(1.0)))).Install())
            using (guard.Install())
            {
                returned = Sample("x", F64.Normal64(0, 1));
            }

            var warning = Assert.Single(warnings);
            Assert.Contains("'x'", warning, StringComparison.Ordinal);
            Assert.Contains("more than once", warning, StringComparison.Ordinal);
        }

        Assert.Equal(1.0, F64.D(returned)); // the innermost intervention is what the model sees
        Assert.Equal(new[] { "x" }, outerTrace.Trace.Nodes.Select(s => s.Name));
        Assert.True(outerTrace.Trace["x"].IsLatent);
    }

    [Fact]
    public void DoubleInterventionUnderAsErrorsThrows()
    {
        using var scope = NewDisposeScope();
        using (PplWarnings.AsErrors())
        {
            var e = Assert.Throws<PplWarningException>(() =>
            {
                using (new DoMessenger(F64.Data(("x", F64.T(2.0)))).Install())
                using (new DoMessenger(F64.Data(("x", F64.T(1.0)))).Install())
                {
                    Sample("x", F64.Normal64(0, 1));
                }
            });
            Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        }

        Assert.False(HandlerStack.IsActive);
    }

    /// <summary>Throws once it has seen more messages than any terminating run could send.</summary>
    private sealed class ReentryGuard(int limit) : Messenger
    {
        private int _count;

        protected internal override void Process(Message message)
        {
            if (++_count > limit)
            {
                throw new InvalidOperationException($"Runaway re-entry: more than {limit} messages for site '{message.Name}'.");
            }

            base.Process(message);
        }
    }
}
