using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Plates without a size (Pyro's <c>pyro.plate("a")</c>, size None ⇒ −1): a frame and a dim, no broadcasting, scale 1.</summary>
[Collection("Sequential")]
public sealed class UnsizedPlateParityTests
{
    // ports pyro tests/infer/test_valid_models.py::test_plate_no_size_ok
    [Fact]
    public void PlateNoSizeOk()
    {
        using var scope = NewDisposeScope();
        void Model()
        {
            using var plate = UnsizedPlate("plate");
            Sample("x", F64.Normal64(0, 1).Expand(10));
        }

        var (guide, model) = ModelGuideRun.Run(Model, Model);
        var x = model["x"];
        Assert.Equal(new long[] { 10 }, x.Value!.shape);
        Assert.Equal(1.0, x.Scale);
        var frame = Assert.Single(x.Plates);
        Assert.Equal(("plate", (int?)-1, -1L, -1L, 1.0), (frame.Name, frame.Dim, frame.Size, frame.SubsampleSize, frame.Scale));
        Assert.False(guide.Contains("plate")); // no subsample indices to record
        Assert.True(double.IsFinite(model.LogProbSum().item<double>()));
    }

    [Fact]
    public void AnUnsizedPlateDoesNotBroadcastButTakesADim()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var a = UnsizedPlate("a");
            using var b = Plate("b", 3);
            Assert.Equal(-2, b.Dim);
            Sample("scalar", F64.Normal64(0, 1));
            Exception? thrown = null;
            try
            {
                _ = a.Indices;
            }
            catch (InvalidOperationException e)
            {
                thrown = e;
            }

            Assert.NotNull(thrown); // an unsized plate has no indices
            var data = ones(4, 1, dtype: ScalarType.Float64);
            Assert.Equal(new long[] { 4, 1 }, a.Subsample(data).shape);
        }

        Assert.Equal(new long[] { 3, 1 }, tracer.Trace["scalar"].Distribution!.BatchShape); // b broadcasts at -2; a leaves -1 at 1
    }

    [Fact]
    public void AnUnsizedPlateLeavesParamsAlone()
    {
        using var scope = NewDisposeScope();
        using var plate = UnsizedPlate("a", dim: -1);
        Assert.Equal(new long[] { 7 }, Param("p", ones(7, dtype: ScalarType.Float64), eventDim: 0).shape);
    }

    [Fact]
    public void ReEnteringAnUnsizedPlateWithASizeThrows()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using (UnsizedPlate("a"))
            {
            }

            var e = Assert.Throws<ArgumentException>(() => { using var sized = Plate("a", 4); });
            Assert.Contains("plate('a')", e.Message, StringComparison.Ordinal);
            Assert.Contains("any size", e.Message, StringComparison.Ordinal);
        }
    }
}
