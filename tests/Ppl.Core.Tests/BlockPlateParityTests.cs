using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Blocking an enclosing plate (Pyro's <c>block_plate</c>) and hiding plate messages (<c>block(hide_types=["plate"])</c>).</summary>
[Collection("Sequential")]
public sealed class BlockPlateParityTests
{
    // ports pyro tests/infer/test_valid_models.py::test_block_plate_name_ok
    [Fact]
    public void BlockPlateNameOk()
    {
        using var scope = NewDisposeScope();
        void Model()
        {
            Assert.Empty(Sample("a", F64.Normal64(0, 1)).shape);
            using var plate = Plate("plate", 2);
            Assert.Equal(new long[] { 2 }, Sample("b", F64.Normal64(0, 1)).shape);
            using var blocked = BlockPlate("plate");
            Assert.Empty(Sample("c", F64.Normal64(0, 1)).shape);
        }

        void Guide()
        {
            Assert.Empty(Sample("c", F64.Normal64(0, 1)).shape);
            using var plate = Plate("plate", 2);
            Assert.Equal(new long[] { 2 }, Sample("b", F64.Normal64(0, 1)).shape);
            using var blocked = BlockPlate("plate");
            Assert.Empty(Sample("a", F64.Normal64(0, 1)).shape);
        }

        var (guide, model) = ModelGuideRun.Run(Model, Guide);
        Assert.Empty(model["c"].Plates);
        Assert.Empty(guide["a"].Plates);
        Assert.Single(model["b"].Plates);
        Assert.True(double.IsFinite(model.LogProbSum().item<double>()));
    }

    // ports pyro tests/infer/test_valid_models.py::test_block_plate_dim_ok
    [Fact]
    public void BlockPlateDimOk()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using var plate = Plate("plate", 2, subsampleSize: 1);
            Sample("b", F64.Normal64(0, 1));
            using (BlockPlate(dim: -1))
            {
                Assert.Empty(Sample("c", F64.Normal64(0, 1)).shape);
                using var inner = Plate("inner", 3);
                Assert.Equal(-2, inner.Dim); // the blocked plate keeps its dim, as Pyro's allocator does
            }

            Assert.Equal(new long[] { 1 }, Sample("d", F64.Normal64(0, 1)).shape);
        }

        Assert.Equal(1.0, tracer.Trace["c"].Scale);
        Assert.Equal(2.0, tracer.Trace["d"].Scale);
    }

    // ports pyro tests/infer/test_valid_models.py::test_block_plate_missing_error
    [Fact]
    public void BlockPlateMissingError()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => { using var blocked = BlockPlate("plate"); });
        Assert.Contains("BlockPlate matched 0 plates", e.Message, StringComparison.Ordinal);
        using (BlockPlate("plate", strict: false))
        {
            Assert.Empty(Sample("a", F64.Normal64(0, 1)).shape);
        }
    }

    [Fact]
    public void HidingPlateMessagesKeepsThePlateButHidesItsSiteFromOuterHandlers()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using (BlockMessenger.HideKinds(SiteKind.Plate).Install())
            {
                using var plate = Plate("data", 10, 4);
                Sample("x", F64.Normal64(0, 1));
            }
        }

        Assert.False(tracer.Trace.Contains("data"));
        Assert.Equal(new long[] { 4 }, tracer.Trace["x"].Value!.shape);
        Assert.Equal(2.5, tracer.Trace["x"].Scale);
    }
}
