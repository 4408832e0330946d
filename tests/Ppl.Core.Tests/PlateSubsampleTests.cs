using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests;

/// <summary>Subsampled vectorized plates: indices, size/subsample scaling and PlateScope.Subsample.</summary>
[Collection("Sequential")]
public sealed class PlateSubsampleTests
{
    [Fact]
    public void SubsampledSitesAreScaledBySizeOverSubsampleSize()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var plate = Plate("data", 100, subsampleSize: 10);
            Sample("x", F64.Normal64(0, 1));
        }

        var x = tracer.Trace["x"];
        Assert.Equal(10.0, x.Scale);
        Assert.Equal(new long[] { 10 }, x.Value!.shape);
        Assert.Equal((100L, 10L, 10.0), (x.Plates[0].Size, x.Plates[0].SubsampleSize, x.Plates[0].Scale));

        double expected = 10.0 * F64.Values(x.Value).Sum(v => MathNormal.PDFLn(0, 1, v));
        Assert.Equal(expected, F64.D(tracer.Trace.LogProbSum()), 1e-9 * Math.Abs(expected));
    }

    [Fact]
    public void NestedSubsampledPlatesMultiplyTheirScales()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var outer = Plate("outer", 6, subsampleSize: 3);
            using var inner = Plate("inner", 8, subsampleSize: 2);
            Sample("x", F64.Normal64(0, 1));
        }

        Assert.Equal(2.0 * 4.0, tracer.Trace["x"].Scale);
    }

    [Fact]
    public void IndicesAreDistinctAndInRange()
    {
        using var scope = NewDisposeScope();
        using var plate = Plate("data", 100, subsampleSize: 10);
        var indices = plate.Indices.data<long>().ToArray();

        Assert.Equal(ScalarType.Int64, plate.Indices.dtype);
        Assert.Equal(10, indices.Length);
        Assert.Equal(10, indices.Distinct().Count());
        Assert.All(indices, i => Assert.InRange(i, 0L, 99L));
        Assert.Equal((100L, 10L), (plate.Size, plate.SubsampleSize));
    }

    [Fact]
    public void WithoutSubsamplingIndicesAreAllPositionsAndScaleIsOne()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var plate = Plate("data", 5);
            Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, plate.Indices.data<long>().ToArray());
            Sample("x", F64.Normal64(0, 1));
        }

        Assert.Equal(1.0, tracer.Trace["x"].Scale);
    }

    [Fact]
    public void SubsampleSelectsTheIndexedEntriesAlongThePlateDim()
    {
        using var scope = NewDisposeScope();
        var data = arange(100, dtype: ScalarType.Float64).mul(1.5);
        using var plate = Plate("data", 100, subsampleSize: 10);

        var selected = F64.Values(plate.Subsample(data));
        var expected = plate.Indices.data<long>().ToArray().Select(i => 1.5 * i).ToArray();
        Assert.Equal(expected, selected);
    }

    [Fact]
    public void SubsampleRespectsEventDims()
    {
        using var scope = NewDisposeScope();
        var data = arange(200, dtype: ScalarType.Float64).reshape(100, 2); // row i is [2i, 2i+1]
        using var plate = Plate("data", 100, subsampleSize: 4);

        var selected = plate.Subsample(data, eventDim: 1);
        Assert.Equal(new long[] { 4, 2 }, selected.shape);
        var rows = plate.Indices.data<long>().ToArray();
        var expected = rows.SelectMany(i => new[] { 2.0 * i, (2.0 * i) + 1 }).ToArray();
        Assert.Equal(expected, F64.Values(selected.flatten()));
    }

    [Fact]
    public void SubsampleOfDataWithTheWrongSizeThrows()
    {
        using var scope = NewDisposeScope();
        var data = zeros(99, dtype: ScalarType.Float64);

        var e = Assert.Throws<ArgumentException>(() =>
        {
            using var plate = Plate("data", 100, subsampleSize: 10);
            plate.Subsample(data);
        });
        Assert.Contains("plate('data')", e.Message, StringComparison.Ordinal);
        Assert.Contains("[99]", e.Message, StringComparison.Ordinal);
    }
}
