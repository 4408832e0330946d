using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>PlateMessenger expands each sample site's distribution to the plate's size at its dim.</summary>
[Collection("Sequential")]
public sealed class PlateBroadcastTests
{
    [Fact]
    public void ScalarDistributionIsExpandedToThePlateSize()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        Tensor x;
        using (tracer.Install())
        {
            using var plate = Plate("p", 3);
            x = Sample("x", F64.Normal64(0.5, 2));
        }

        var site = tracer.Trace["x"];
        Assert.Equal(new long[] { 3 }, site.Distribution!.BatchShape);
        Assert.Equal(new long[] { 3 }, x.shape);
        var normal = Assert.IsType<Normal>(site.Distribution);
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, F64.Values(normal.Loc));
        Assert.Equal(new[] { 2.0, 2.0, 2.0 }, F64.Values(normal.Scale));
    }

    [Fact]
    public void NestedPlatesExpandToBothSizes()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var outer = Plate("outer", 3);
            using var inner = Plate("inner", 2);
            Sample("x", F64.Normal64(0, 1));
        }

        Assert.Equal(new long[] { 2, 3 }, tracer.Trace["x"].Distribution!.BatchShape);
    }

    [Fact]
    public void DistributionAlreadyOfThePlateSizeIsKept()
    {
        using var scope = NewDisposeScope();
        var loc = F64.T(1.0, 2.0, 3.0);
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var plate = Plate("p", 3);
            Sample("x", new Normal(loc, 1.0));
        }

        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, F64.Values(((Normal)tracer.Trace["x"].Distribution!).Loc));
    }

    [Fact]
    public void EventDimsAreNotTouched()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var plate = Plate("p", 3);
            Sample("x", new Normal(zeros(4, dtype: ScalarType.Float64), 1.0).ToEvent(1));
        }

        var site = tracer.Trace["x"];
        Assert.Equal(new long[] { 3 }, site.Distribution!.BatchShape);
        Assert.Equal(new long[] { 4 }, site.Distribution.EventShape);
        Assert.Equal(new long[] { 3, 4 }, site.Value!.shape);
    }

    [Fact]
    public void MismatchedBatchSizeThrowsNamingThePlateAndTheSite()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
        {
            using var plate = Plate("data", 3);
            Sample("mismatched", new Normal(zeros(4, dtype: ScalarType.Float64), 1.0));
        });

        Assert.Contains("plate('data')", e.Message, StringComparison.Ordinal);
        Assert.Contains("'mismatched'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", e.Message, StringComparison.Ordinal);
    }
}
