using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Dim allocation of vectorized plates (Primitives.AllocateDim).</summary>
[Collection("Sequential")]
public sealed class PlateDimensionTests
{
    [Fact]
    public void ALonePlateTakesTheRightmostDim()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var plate = Plate("p", 3);
            Assert.Equal(-1, plate.Dim);
            Sample("x", F64.Normal64(0, 1));
        }

        var frame = Assert.Single(tracer.Trace["x"].Plates);
        Assert.Equal(("p", (int?)-1, 3L, 3L), (frame.Name, frame.Dim, frame.Size, frame.SubsampleSize));
        Assert.True(frame.IsVectorized);
    }

    [Fact]
    public void NestedPlatesTakeTheNextFreeDimsOutwards()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var outer = Plate("outer", 3);
            using var inner = Plate("inner", 2);
            Assert.Equal((-1, -2), (outer.Dim, inner.Dim));
            Sample("x", F64.Normal64(0, 1));
        }

        var x = tracer.Trace["x"];
        Assert.Equal(new[] { ("outer", (int?)-1), ("inner", (int?)-2) }, x.Plates.Select(f => (f.Name, f.Dim)));
        Assert.Equal(new long[] { 2, 3 }, x.Value!.shape);
    }

    [Fact]
    public void ExplicitDimIsUsedAndAutomaticOnesSkipIt()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var far = Plate("far", 3, dim: -3);
            Assert.Equal(-3, far.Dim);
            Sample("x", F64.Normal64(0, 1));
            using var near = Plate("near", 2);
            Assert.Equal(-1, near.Dim);
            Sample("y", F64.Normal64(0, 1));
        }

        Assert.Equal(new long[] { 3, 1, 1 }, tracer.Trace["x"].Distribution!.BatchShape);
        Assert.Equal(new long[] { 3, 1, 2 }, tracer.Trace["y"].Value!.shape);
    }

    [Fact]
    public void ExplicitDimTakenByAnEnclosingPlateThrowsSuggestingAFreeDim()
    {
        using var scope = NewDisposeScope();
        using var a = Plate("a", 3);
        using var b = Plate("b", 4, dim: -2);

        var e = Assert.Throws<ArgumentException>(() => { using var c = Plate("c", 5, dim: -1); });
        Assert.Contains("plate('c')", e.Message, StringComparison.Ordinal);
        Assert.Contains("plate('a')", e.Message, StringComparison.Ordinal);
        Assert.Contains("dim=-3", e.Message, StringComparison.Ordinal); // -1 and -2 are taken
    }

    [Fact]
    public void NonNegativeDimThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => { using var p = Plate("p", 3, dim: 0); });
        Assert.Contains("negative", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNestedPlateNameThrows()
    {
        using var scope = NewDisposeScope();
        using var outer = Plate("p", 3);
        var e = Assert.Throws<ArgumentException>(() => { using var inner = Plate("p", 2); });
        Assert.Contains("already entered", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(5L, 0L)]
    [InlineData(5L, 6L)]
    public void InvalidSizesThrow(long size, long? subsample)
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => { using var p = Plate("p", size, subsample); });
    }

    [Fact]
    public void LeavingAPlateRemovesItsFrame()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using (Plate("p", 3))
            {
                Sample("inside", F64.Normal64(0, 1));
            }

            Sample("after", F64.Normal64(0, 1));
        }

        Assert.Empty(tracer.Trace["after"].Plates);
        Assert.Empty(tracer.Trace["after"].Value!.shape);
    }
}
