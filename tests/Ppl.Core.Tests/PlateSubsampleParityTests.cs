using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>PlateScope.Subsample passes broadcastable data through; plates given explicit subsample indices (Pyro's <c>subsample=</c>).</summary>
[Collection("Sequential")]
public sealed class PlateSubsampleParityTests
{
    // ports pyro pyro/poutine/subsample_messenger.py's pass-through (size 1 at the plate dim, or too few dims)
    [Theory]
    [InlineData(new long[0], 0)]
    [InlineData(new long[] { 1 }, 0)]
    [InlineData(new long[] { 3 }, 1)]
    [InlineData(new long[] { 1, 3 }, 1)]
    public void BroadcastableDataPassesThroughUnchanged(long[] shape, int eventDim)
    {
        using var scope = NewDisposeScope();
        using var plate = Plate("data", 10, 4);
        var data = ones(shape, dtype: ScalarType.Float64);
        Assert.Equal(shape, plate.Subsample(data, eventDim).shape);
    }

    [Fact]
    public void ExplicitSubsampleIndicesAreUsedAndScale()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        var chosen = tensor(new long[] { 7, 2, 4 });
        using (tracer.Install())
        {
            using var plate = Plate("data", 10, subsample: chosen);
            Assert.Equal(new long[] { 7, 2, 4 }, ModelGuideRun.Ints(plate.Indices));
            Assert.Equal(3L, plate.SubsampleSize);
            Assert.Equal(new[] { 7.0, 2.0, 4.0 }, F64.Values(plate.Subsample(arange(10, dtype: ScalarType.Float64))));
            Sample("x", F64.Normal64(0, 1));
        }

        Assert.Equal(10.0 / 3.0, tracer.Trace["x"].Scale, 1e-12);
        Assert.Equal(new long[] { 7, 2, 4 }, ModelGuideRun.Ints(tracer.Trace["data"].Value!));
    }

    [Fact]
    public void ExplicitSubsampleIndicesOutOfRangeOrNotAVectorThrow()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => { using var p = Plate("data", 10, subsample: tensor(new long[] { 1, 10 })); });
        Assert.Contains("plate('data')", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => { using var p = Plate("data", 10, subsample: zeros(2, 2, dtype: ScalarType.Int64)); });
        Assert.Throws<ArgumentException>(() => { using var p = Plate("data", 10, subsample: zeros(2, dtype: ScalarType.Float32)); });
    }
}
