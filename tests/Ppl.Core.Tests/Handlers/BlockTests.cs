using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Handlers;

[Collection("Sequential")]
public sealed class BlockTests
{
    // param w, a ~ N(0,1), b ~ N(a + w, 1), deterministic d = 2b
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var w = Param("w", F64.T(0.5));
        var a = Sample("a", F64.Normal64(0, 1));
        var b = Sample("b", new Normal(a.add(w), 1.0));
        Deterministic("d", b.mul(2));
        return b;
    };

    public static TheoryData<string, string[]> Blockers => new()
    {
        { "all", Array.Empty<string>() },
        { "hide a", new[] { "w", "b", "d" } },
        { "expose a", new[] { "a" } },
        { "hide params", new[] { "a", "b", "d" } },
        { "expose samples", new[] { "a", "b" } },
        { "hide nothing", new[] { "w", "a", "b", "d" } },
    };

    [Theory]
    [MemberData(nameof(Blockers))]
    public void OuterTraceSeesOnlyTheUnblockedSitesWhileTheModelStillRunsThemAll(string blocker, string[] visible)
    {
        using var scope = NewDisposeScope();
        var outer = new TraceMessenger();
        var inner = new TraceMessenger();
        Tensor returned;
        using (outer.Install())
        using (Create(blocker).Install())
        using (inner.Install())
        {
            returned = Model(false);
        }

        Assert.Equal(visible, outer.Trace.Nodes.Select(s => s.Name));
        Assert.Equal(new[] { "w", "a", "b", "d" }, inner.Trace.Nodes.Select(s => s.Name));
        Assert.Same(returned, inner.Trace["b"].Value);

        // b's distribution was built from the hidden a: loc = a + w
        double a = F64.D(inner.Trace["a"].Value!);
        Assert.Equal(a + 0.5, F64.D(((Normal)inner.Trace["b"].Distribution!).Loc), 1e-15);
    }

    [Fact]
    public void WrapperWithoutPredicateHidesEverything()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Block().GetTrace(false);
        Assert.Empty(trace.Nodes);
    }

    [Fact]
    public void ConditionOutsideABlockDoesNotReachHiddenSites()
    {
        using var scope = NewDisposeScope();
        var inner = new TraceMessenger();
        using (PplWarnings.Capture(out var warnings))
        {
            using (new ConditionMessenger(F64.Data(("a", F64.T(5.0)), ("b", F64.T(6.0)))).Install())
            using (BlockMessenger.Hide("a").Install())
            using (inner.Install())
            {
                Model(false);
            }

            var warning = Assert.Single(warnings);
            Assert.Contains("'a'", warning, StringComparison.Ordinal);
            Assert.DoesNotContain("'b'", warning, StringComparison.Ordinal);
        }

        Assert.False(inner.Trace["a"].IsObserved);
        Assert.NotEqual(5.0, F64.D(inner.Trace["a"].Value!));

        // b is not hidden, so the outer condition does reach it (the inner trace sees the message after Condition set it)
        Assert.Equal(6.0, F64.D(inner.Trace["b"].Value!));
    }

    private static BlockMessenger Create(string blocker) => blocker switch
    {
        "all" => BlockMessenger.All(),
        "hide a" => BlockMessenger.Hide("a"),
        "expose a" => BlockMessenger.Expose("a"),
        "hide params" => BlockMessenger.HideKinds(SiteKind.Param),
        "expose samples" => BlockMessenger.ExposeKinds(SiteKind.Sample),
        "hide nothing" => new BlockMessenger(_ => false),
        _ => throw new ArgumentOutOfRangeException(nameof(blocker)),
    };
}
