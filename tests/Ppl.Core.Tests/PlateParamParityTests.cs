using Ppl.Handlers;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Params and Subsample inside subsampled plates: sliced to the subsample when they declare an event dim (Pyro's param batch semantics).</summary>
[Collection("Sequential")]
public sealed class PlateParamParityTests
{
    private static Tensor Arange(params long[] shape) =>
        arange(shape.Aggregate(1L, (a, b) => a * b), dtype: ScalarType.Float64).reshape(shape);

    // ports pyro tests/infer/test_valid_models.py::test_plate_subsample_param_ok
    [Theory]
    [InlineData(null)]
    [InlineData(5L)]
    public void PlateSubsampleParamOk(long? subsampleSize)
    {
        using var scope = NewDisposeScope();
        Tensor p0, p, indices;
        using (var plate = Plate("plate", 10, subsampleSize))
        {
            indices = plate.Indices;
            p0 = Param("p0", tensor(0.0, dtype: ScalarType.Float64), eventDim: 0);
            p = Param("p", Arange(10), eventDim: 0);
        }

        Assert.Empty(p0.shape);
        Assert.Equal(new[] { subsampleSize ?? 10 }, p.shape);
        Assert.Equal(ModelGuideRun.Ints(indices).Select(i => (double)i), F64.Values(p)); // entry k is the full param's entry indices[k]
    }

    // ports pyro tests/infer/test_valid_models.py::test_plate_subsample_primitive_ok
    [Theory]
    [InlineData(null)]
    [InlineData(5L)]
    public void PlateSubsamplePrimitiveOk(long? subsampleSize)
    {
        using var scope = NewDisposeScope();
        Tensor p0, p, indices;
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var plate = Plate("plate", 10, subsampleSize);
            indices = plate.Indices;
            p0 = Subsample(tensor(0.0, dtype: ScalarType.Float64), eventDim: 0);
            p = Subsample(Arange(10), eventDim: 0);
        }

        Assert.Empty(p0.shape);
        Assert.Equal(ModelGuideRun.Ints(indices).Select(i => (double)i), F64.Values(p));
        Assert.DoesNotContain(tracer.Trace.Nodes, s => s.Kind.Value == "subsample");
    }

    // ports pyro tests/infer/test_valid_models.py::test_plate_param_size_mismatch_error
    [Theory]
    [InlineData(null, new long[0], true)]
    [InlineData(null, new long[] { 1 }, true)]
    [InlineData(null, new long[] { 10 }, true)]
    [InlineData(null, new long[] { 3, 1 }, true)]
    [InlineData(null, new long[] { 3, 10 }, true)]
    [InlineData(null, new long[] { 5 }, false)]
    [InlineData(null, new long[] { 3, 5 }, false)]
    [InlineData(5L, new long[0], true)]
    [InlineData(5L, new long[] { 1 }, true)]
    [InlineData(5L, new long[] { 10 }, true)]
    [InlineData(5L, new long[] { 3, 1 }, true)]
    [InlineData(5L, new long[] { 3, 10 }, true)]
    [InlineData(5L, new long[] { 5 }, false)]
    [InlineData(5L, new long[] { 3, 5 }, false)]
    public void PlateParamSizeMismatchError(long? subsampleSize, long[] shape, bool ok)
    {
        using var scope = NewDisposeScope();
        using var plate = Plate("plate", 10, subsampleSize);
        if (ok)
        {
            var p0 = Param("p0", ones(shape, dtype: ScalarType.Float64), eventDim: 0);
            long expected = shape.Length > 0 && shape[^1] == 10 ? subsampleSize ?? 10 : (shape.Length > 0 ? shape[^1] : -1);
            if (expected >= 0)
            {
                Assert.Equal(expected, p0.shape[^1]);
            }
        }
        else
        {
            var e = Assert.Throws<ArgumentException>(() => Param("p0", ones(shape, dtype: ScalarType.Float64), eventDim: 0));
            Assert.Contains("invalid shape", e.Message, StringComparison.Ordinal);
            Assert.Contains("plate('plate', size 10", e.Message, StringComparison.Ordinal);
            Assert.Contains("Param('p0'", e.Message, StringComparison.Ordinal);
        }
    }

    // ports pyro tests/infer/test_valid_models.py::test_nested_plate_plate_subsample_param_ok
    [Fact]
    public void NestedPlatePlateSubsampleParamOk()
    {
        using var scope = NewDisposeScope();
        var p0 = Param("p0", Arange(4, 5), eventDim: 2);
        Assert.Equal(new long[] { 4, 5 }, p0.shape);
        using var outer = Plate("plate_outer", 10, 5);
        var p1 = Param("p1", Arange(10, 3), eventDim: 1);
        Assert.Equal(new long[] { 5, 3 }, p1.shape);
        var px = Param("px", Arange(10), eventDim: 0);
        Assert.Equal(new long[] { 5 }, px.shape);
        using var inner = Plate("plate_inner", 11, 6);
        var py = Param("py", Arange(11, 10), eventDim: 0);
        Assert.Equal(new long[] { 6, 5 }, py.shape);

        var o = ModelGuideRun.Ints(outer.Indices);
        var n = ModelGuideRun.Ints(inner.Indices);
        var expected = n.SelectMany(r => o.Select(c => (double)((r * 10) + c)));
        Assert.Equal(expected, F64.Values(py.flatten()));
        Assert.Equal(o.SelectMany(r => new[] { 3.0 * r, (3.0 * r) + 1, (3.0 * r) + 2 }), F64.Values(p1.flatten()));
    }

    // Pyro's param event_dim defaults to None: no batch semantics, no slicing, no validation
    [Fact]
    public void AParamWithoutEventDimIsNeitherSlicedNorChecked()
    {
        using var scope = NewDisposeScope();
        using var plate = Plate("plate", 10, 5);
        Assert.Equal(new long[] { 10 }, Param("full", Arange(10)).shape);
        Assert.Equal(new long[] { 7 }, Param("other", Arange(7)).shape);
    }

    // gradients reach the full parameter through the slice: only the subsampled rows move
    [Fact]
    public void GradientsFlowOnlyIntoTheSubsampledRows()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        long[] rows;
        Tensor loss;
        using (store.Activate())
        {
            using var plate = Plate("plate", 10, 3);
            rows = ModelGuideRun.Ints(plate.Indices);
            var p = Param("p", () => Arange(10), eventDim: 0);
            loss = p.mul(F64.T(2.0)).sum();
        }

        loss.backward();
        var grad = F64.Values(store.GetUnconstrained("p").grad!);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(rows.Contains(i) ? 2.0 : 0.0, grad[i]);
        }
    }

    [Fact]
    public void SubsampleOfDataWithAnotherSizeThrows()
    {
        using var scope = NewDisposeScope();
        using var plate = Plate("plate", 10, 5);
        var e = Assert.Throws<ArgumentException>(() => Subsample(Arange(7), eventDim: 0));
        Assert.Contains("invalid shape", e.Message, StringComparison.Ordinal);
        Assert.Contains("Subsample(..., eventDim: 0)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubsampleOutsideAnyPlateReturnsTheData()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 7 }, Subsample(Arange(7), eventDim: 0).shape);
    }
}
