using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>SequentialPlate: one frame per iteration with its counter, subsampling scale, no dim and no broadcasting.</summary>
[Collection("Sequential")]
public sealed class SequentialPlateTests
{
    [Fact]
    public void EachIterationHasItsOwnFrameWithCounterAndNoDim()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        var yielded = new List<long>();
        using (tracer.Install())
        {
            foreach (var i in SequentialPlate("s", 3))
            {
                yielded.Add(i);
                Sample($"x{i}", F64.Normal64(0, 1));
            }
        }

        Assert.Equal(new long[] { 0, 1, 2 }, yielded);
        for (int i = 0; i < 3; i++)
        {
            var site = tracer.Trace[$"x{i}"];
            var frame = Assert.Single(site.Plates);
            Assert.Equal(("s", (int?)null, (long)i, 3L, 3L), (frame.Name, frame.Dim, frame.Counter, frame.Size, frame.SubsampleSize));
            Assert.False(frame.IsVectorized);
            Assert.Equal(1.0, site.Scale);
            Assert.Empty(site.Distribution!.BatchShape); // no broadcast
            Assert.Empty(site.Value!.shape);
        }

        Assert.False(Ppl.Effects.HandlerStack.IsActive);
    }

    [Fact]
    public void SubsampledIterationsAreScaledAndDistinct()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        var yielded = new List<long>();
        using (tracer.Install())
        {
            foreach (var i in SequentialPlate("s", 10, subsampleSize: 2))
            {
                yielded.Add(i);
                Sample($"x{i}", F64.Normal64(0, 1));
            }
        }

        Assert.Equal(2, yielded.Distinct().Count());
        Assert.All(yielded, i => Assert.InRange(i, 0L, 9L));
        Assert.All(yielded, i => Assert.Equal(5.0, tracer.Trace[$"x{i}"].Scale));
        Assert.Equal(new long[] { 0, 1 }, yielded.Select(i => tracer.Trace[$"x{i}"].Plates[0].Counter));
    }

    [Fact]
    public void SubsampledSequentialPlateLeavesAUsableTrace()
    {
        // The plate's subsample indices are recorded as a plate site; the trace must stay usable
        // (FormatShapes, replay) inside the dispose scope the model ran in.
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        var yielded = new List<long>();
        using (tracer.Install())
        {
            foreach (var i in SequentialPlate("s", 10, subsampleSize: 3))
            {
                yielded.Add(i);
                Sample($"x{i}", F64.Normal64(0, 1));
            }
        }

        var plateSite = tracer.Trace["s"];
        Assert.False(plateSite.Value!.IsInvalid, "the recorded subsample indices were disposed");
        Assert.Equal(yielded, plateSite.Value.data<long>().ToArray());
        Assert.Contains("x" + yielded[0], tracer.Trace.FormatShapes(), StringComparison.Ordinal);
    }

    [Fact]
    public void NestedSequentialAndVectorizedPlatesCombine()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var p = Plate("p", 4, subsampleSize: 2);
            foreach (var i in SequentialPlate("s", 3))
            {
                Sample($"x{i}", F64.Normal64(0, 1));
            }
        }

        var site = tracer.Trace["x1"];
        Assert.Equal(new[] { "p", "s" }, site.Plates.Select(f => f.Name));
        Assert.Equal(new long[] { 2 }, site.Value!.shape);
        Assert.Equal(2.0, site.Scale);
    }
}
