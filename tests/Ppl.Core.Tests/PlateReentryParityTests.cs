using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Re-entering a plate within one run sees the same dim and the same subsample indices (Pyro reuses plate objects).</summary>
[Collection("Sequential")]
public sealed class PlateReentryParityTests
{
    // ports pyro tests/infer/test_valid_models.py::test_plate_reuse_ok
    [Fact]
    public void PlateReuseOk()
    {
        using var scope = NewDisposeScope();
        var seen = new List<long[]>();
        void Model()
        {
            var outer = DefinePlate("plate_outer", 10, 5, dim: -1);
            var inner = DefinePlate("plate_inner", 11, 6, dim: -2);
            using (var o = outer.Enter())
            {
                seen.Add(ModelGuideRun.Ints(o.Indices));
                Sample("x", F64.Normal64(0, 1));
            }

            using (inner.Enter())
            {
                Sample("y", F64.Normal64(0, 1));
            }

            using (var o = outer.Enter())
            {
                using var i = inner.Enter();
                seen.Add(ModelGuideRun.Ints(o.Indices));
                Sample("z", F64.Normal64(0, 1));
            }
        }

        var (guide, model) = ModelGuideRun.Run(Model, Model);

        Assert.Equal(new long[] { 5 }, model["x"].Value!.shape);
        Assert.Equal(new long[] { 6, 1 }, model["y"].Value!.shape);
        Assert.Equal(new long[] { 6, 5 }, model["z"].Value!.shape);
        Assert.Equal(new[] { ("plate_outer", (int?)-1), ("plate_inner", (int?)-2) }, model["z"].Plates.Select(f => (f.Name, f.Dim)));
        Assert.Equal(2.0 * (11.0 / 6.0), model["z"].Scale, 1e-12);
        Assert.Equal(4, seen.Count);
        Assert.Equal(seen[0], seen[1]); // the guide's two entries of plate_outer
        Assert.Equal(seen[0], seen[2]); // the model replays the guide's indices
        Assert.Equal(seen[0], seen[3]);
        Assert.Equal(ModelGuideRun.Ints(guide["plate_outer"].Value!), ModelGuideRun.Ints(model["plate_outer"].Value!));
        Assert.True(double.IsFinite(model.LogProbSum().item<double>()));
    }

    // ports pyro tests/infer/test_valid_models.py::test_plate_reuse_ok, re-entering by name instead of through an object
    [Fact]
    public void ReCallingPlateByNameReusesDimAndIndices()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        long[] first, second;
        int firstDim, secondDim;
        using (tracer.Install())
        {
            using (var rows = Plate("data", 100, 10, dim: -2))
            {
                (first, firstDim) = (ModelGuideRun.Ints(rows.Indices), rows.Dim);
                Sample("x", F64.Normal64(0, 1));
            }

            using (var rows = Plate("data", 100, 10))
            {
                (second, secondDim) = (ModelGuideRun.Ints(rows.Indices), rows.Dim);
                Sample("y", F64.Normal64(0, 1));
            }
        }

        Assert.Equal(first, second);
        Assert.Equal((-2, -2), (firstDim, secondDim));
        Assert.Equal(new long[] { 10, 1 }, tracer.Trace["y"].Value!.shape);
        Assert.Single(tracer.Trace.Nodes, s => s.Kind == Ppl.Effects.SiteKind.Plate);
    }

    // one minibatch shared by several statements: the model replays the guide's indices at every entry
    [Fact]
    public void ModelReEnteringAPlateReplaysTheGuidesIndicesEachTime()
    {
        using var scope = NewDisposeScope();
        var modelIndices = new List<long[]>();
        void Guide()
        {
            using var rows = Plate("data", 50, 5);
            Sample("x", F64.Normal64(0, 1));
        }

        void Model()
        {
            using (var rows = Plate("data", 50, 5))
            {
                modelIndices.Add(ModelGuideRun.Ints(rows.Indices));
                Sample("x", F64.Normal64(0, 1));
            }

            using (var rows = Plate("data", 50, 5))
            {
                modelIndices.Add(ModelGuideRun.Ints(rows.Indices));
                Sample("obs", F64.Normal64(0, 1), obs: zeros(5, dtype: ScalarType.Float64));
            }
        }

        var (guide, _) = ModelGuideRun.Run(Model, Guide);
        var guideIndices = ModelGuideRun.Ints(guide["data"].Value!);
        Assert.Equal(guideIndices, modelIndices[0]);
        Assert.Equal(guideIndices, modelIndices[1]);
    }

    // ports pyro tests/infer/test_valid_models.py::test_iplate_iplate_ok (a sequential plate object iterated repeatedly)
    [Fact]
    public void ReIteratingASubsampledSequentialPlateGivesTheSameIndices()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        var byObject = new List<long[]>();
        var byName = new List<long[]>();
        using (tracer.Install())
        {
            var outer = DefinePlate("plate_0", 3, 2);
            var inner = DefinePlate("plate_1", 3, 2);
            foreach (var i in outer.Iterate())
            {
                var js = inner.Iterate().ToArray();
                byObject.Add(js);
                foreach (var j in js)
                {
                    Sample($"x_{i}_{j}", F64.Normal64(0, 1));
                }
            }

            byName.Add(SequentialPlate("s", 9, 4).ToArray());
            byName.Add(SequentialPlate("s", 9, 4).ToArray());
        }

        Assert.Equal(2, byObject.Count);
        Assert.Equal(byObject[0], byObject[1]);
        Assert.Equal(4, tracer.Trace.SampleSites.Count());
        Assert.Equal(byName[0], byName[1]);
        Assert.Equal(4, byName[0].Distinct().Count());
    }

    // ports pyro tests/infer/test_valid_models.py::test_three_indep_plate_at_different_depths_ok
    [Fact]
    public void ThreeIndependentPlatesAtDifferentDepthsOk()
    {
        using var scope = NewDisposeScope();
        var indices = new List<long[]>();
        void Model()
        {
            var innerPlate = DefinePlate("plate2", 10, 5);
            foreach (var i in SequentialPlate("plate0", 2))
            {
                Sample($"x_{i}", F64.Normal64(0, 1));
                if (i == 0)
                {
                    foreach (var j in SequentialPlate("plate1", 2))
                    {
                        using var ind = innerPlate.Enter();
                        indices.Add(ModelGuideRun.Ints(ind.Indices));
                        Sample($"y_{j}", F64.Normal64(0, 1));
                    }
                }
                else
                {
                    using var ind = innerPlate.Enter();
                    indices.Add(ModelGuideRun.Ints(ind.Indices));
                    Sample("z", F64.Normal64(0, 1));
                }
            }
        }

        var (_, model) = ModelGuideRun.Run(Model, Model);
        Assert.Equal(6, indices.Count);
        Assert.All(indices, ix => Assert.Equal(indices[0], ix));
        Assert.Equal(new long[] { 5 }, model["z"].Value!.shape);
        Assert.Equal(new[] { "plate0", "plate2" }, model["z"].Plates.Select(f => f.Name));
    }

    [Theory]
    [InlineData(11L, 5L, null)]
    [InlineData(10L, 4L, null)]
    [InlineData(10L, 5L, -3)]
    public void ReEnteringWithAnotherSpecThrowsNamingThePlateAndBothSpecs(long size, long subsample, int? dim)
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using (Plate("a", 10, 5, dim: -2))
            {
            }

            var e = Assert.Throws<ArgumentException>(() => { using var again = Plate("a", size, subsample, dim); });
            Assert.Contains("plate('a')", e.Message, StringComparison.Ordinal);
            Assert.Contains("size 10, subsample 5, dim -2", e.Message, StringComparison.Ordinal);
            Assert.Contains($"size {size}, subsample {subsample}", e.Message, StringComparison.Ordinal);
        }
    }

    // ports pyro tests/infer/test_valid_models.py::test_plate_reuse_ok's precondition: crossing needs distinct dims (Pyro: "collide at dim")
    [Fact]
    public void CrossingTwoPlatesThatBothTookTheSameDimThrowsSuggestingDims()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using (Plate("p", 3))
            {
            }

            using (Plate("q", 4))
            {
            }

            using var p = Plate("p", 3);
            var e = Assert.Throws<ArgumentException>(() => { using var q = Plate("q", 4); });
            Assert.Contains("plate('q')", e.Message, StringComparison.Ordinal);
            Assert.Contains("plate('p')", e.Message, StringComparison.Ordinal);
            Assert.Contains("dim", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UsingOnePlateBothVectorizedAndSequentiallyThrows()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            using (Plate("a", 4))
            {
            }

            var e = Assert.Throws<ArgumentException>(() => SequentialPlate("a", 4).ToArray());
            Assert.Contains("plate('a')", e.Message, StringComparison.Ordinal);
            Assert.Contains("sequential", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NestingAPlateDefinitionInsideItselfThrows()
    {
        using var scope = NewDisposeScope();
        var plate = DefinePlate("p", 3);
        using var outer = plate.Enter();
        var e = Assert.Throws<ArgumentException>(() => { using var inner = plate.Enter(); });
        Assert.Contains("already entered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutATraceADefinitionStillSharesItsIndices()
    {
        using var scope = NewDisposeScope();
        var plate = DefinePlate("data", 100, 7);
        long[] first, second;
        using (var p = plate.Enter())
        {
            first = ModelGuideRun.Ints(p.Indices);
        }

        using (var p = plate.Enter())
        {
            second = ModelGuideRun.Ints(p.Indices);
        }

        Assert.Equal(first, second);
    }

    // Pyro's trace refuses a second subsample site of one name; Ppl records the plate once per definition and accepts a repeat with the same indices
    [Fact]
    public void TraceAcceptsAPlateSiteRecordedAgainWithTheSameIndicesOnly()
    {
        using var scope = NewDisposeScope();
        var trace = new Trace();
        var indices = tensor(new long[] { 3, 1 });
        trace.Add(new Site { Name = "a", Kind = Ppl.Effects.SiteKind.Plate, Value = indices });
        trace.Add(new Site { Name = "a", Kind = Ppl.Effects.SiteKind.Plate, Value = indices.alias() });
        Assert.Single(trace.Nodes);

        var e = Assert.Throws<InvalidOperationException>(() => trace.Add(new Site { Name = "a", Kind = Ppl.Effects.SiteKind.Plate, Value = tensor(new long[] { 0, 1 }) }));
        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
    }
}
