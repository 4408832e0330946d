using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;

namespace Ppl.Tests.Effects;

/// <summary>
/// <see cref="HandlerStack.EnclosingPlates"/> is the one way code asks for the enclosing plates
/// (Pyro's inspect message): plate handlers report themselves, traces themselves as records of the
/// run's plates, and other handlers nothing, whatever messages they hide.
/// </summary>
public sealed class PlateQueryTests
{
    /// <summary>A handler of the user's that hides every message: it must not hide the plates.</summary>
    private sealed class HideAll : Messenger
    {
        protected internal override void Process(Message message) => message.Stop = true;
    }

    private static string[] Describe(PlateQuery query) => [.. query.Frames.Select(f => $"{f.Name}@{f.Dim}")];

    [Fact]
    public void OutsideAnyPlateTheAnswerIsEmpty()
    {
        var query = HandlerStack.EnclosingPlates();
        Assert.Empty(query.Plates);
        Assert.Empty(query.Frames);
        Assert.Empty(query.Recorders);
    }

    [Fact]
    public void NestedPlatesAreReportedOutermostFirstWithTheirDims()
    {
        using (Plate("outer", 3))
        using (Plate("inner", 2))
        {
            Assert.Equal(["outer@-1", "inner@-2"], Describe(HandlerStack.EnclosingPlates()));
            Assert.All(HandlerStack.EnclosingPlates().Plates, p => Assert.False(p.ReserveOnly));
        }

        using (Plate("outer", 3))
        {
            Assert.Equal(["outer@-1"], Describe(HandlerStack.EnclosingPlates()));
        }

        Assert.Empty(HandlerStack.EnclosingPlates().Frames);
    }

    [Fact]
    public void APlateOutsideAHandlerThatHidesMessagesIsStillReported()
    {
        using (Plate("outer", 3))
        using (new HideAll().Install())
        using (BlockMessenger.All().Install())
        using (Plate("inner", 2))
        {
            // the inner plate allocated the next free dim: the outer one's was not hidden
            Assert.Equal(["outer@-1", "inner@-2"], Describe(HandlerStack.EnclosingPlates()));
        }
    }

    [Fact]
    public void ABlockedPlateIsReportedAsReservingItsDim()
    {
        using (Plate("outer", 3))
        using (BlockPlate("outer"))
        using (Plate("inner", 2))
        {
            var query = HandlerStack.EnclosingPlates();
            Assert.Equal(["outer@-1", "inner@-2"], Describe(query));
            Assert.True(query.Plates[0].ReserveOnly);
            Assert.False(query.Plates[1].ReserveOnly);
        }
    }

    [Fact]
    public void TracesReportThemselvesOutermostFirstAndOtherHandlersNothing()
    {
        var outer = new TraceMessenger();
        var inner = new TraceMessenger();
        using (outer.Install())
        using (new HideAll().Install())
        using (inner.Install())
        using (Plate("p", 4))
        {
            var query = HandlerStack.EnclosingPlates();
            Assert.Equal([outer.Trace, inner.Trace], query.Recorders);
            Assert.Equal(["p@-1"], Describe(query));
        }
    }

    [Fact]
    public void APlateEnteredAgainInATracedRunReusesTheDimTheTraceRecorded()
    {
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using (Plate("p", 4, dim: -3))
            {
            }

            using (Plate("p", 4))
            {
                Assert.Equal(["p@-3"], Describe(HandlerStack.EnclosingPlates()));
            }
        }
    }
}
