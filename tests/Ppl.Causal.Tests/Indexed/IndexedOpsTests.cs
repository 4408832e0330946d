using Ppl.Causal;
using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Indexed;

/// <summary>
/// <see cref="Indexed"/>'s gather, scatter, indices_of and cond against ChiRho's expectations
/// (ports chirho tests/indexed/test_internals.py). Each upstream test runs over its full shape grid
/// (enum × plate × batch × event shapes) inside one test; the truth is an independent dense mask
/// built entry by entry (ChiRho's <c>indexset_as_mask</c>), not the code under test.
/// </summary>
[Collection("Sequential")]
public sealed class IndexedOpsTests
{
    private static readonly long[][] EnumShapes = [[], [2], [2, 1], [2, 3]];
    private static readonly long[][] PlateShapes = [[], [2], [2, 1], [2, 3], [1, 3]];
    private static readonly long[][] BatchShapes = [[2], [2, 1], [2, 3], [1, 2, 3], [2, 1, 3], [2, 3, 1], [2, 2], [2, 2, 2], [2, 2, 3]];
    private static readonly long[][] EventShapes = [[], [1], [2], [2, 1], [1, 2], [2, 2], [3, 1], [1, 1], [2, 2, 1], [2, 1, 2], [2, 3, 2]];

    private static IEnumerable<(long[] Enum, long[] Plate, long[] Batch, long[] Event)> ShapeCases() =>
        from e in EnumShapes
        from p in PlateShapes
        from b in BatchShapes
        from ev in EventShapes
        select (e, p, b, ev);

    // ports chirho tests/indexed/test_internals.py::test_indices_of_tensor
    [Fact]
    public void IndicesOfTensor()
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            long[] full = [.. enumShape, .. batch, .. plate];
            var names = BatchDimNames(plate, batch, full);
            var value = randn([.. full, .. ev], dtype: float64);
            Assert.Equal(ExpectedIndices(names, full), Ppl.Causal.Indexed.IndicesOf(value, ev.Length, names));
        }
    }

    // ports chirho tests/indexed/test_internals.py::test_indices_of_distribution
    [Fact]
    public void IndicesOfDistribution()
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            long[] full = [.. enumShape, .. batch, .. plate];
            var names = BatchDimNames(plate, batch, full);
            var distribution = new Normal(tensor(0.0, dtype: float64), 1.0).Expand([.. full, .. ev]).ToEvent(ev.Length);
            Assert.Equal(ExpectedIndices(names, full), Ppl.Causal.Indexed.IndicesOf(distribution, names));
        }
    }

    // ports chirho tests/indexed/test_internals.py::test_gather_tensor (the law gather(value, w) == value[mask(w)])
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GatherTensor(bool useEffect)
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            var (cfDim, names, full) = CounterfactualDims(enumShape, plate, batch);
            var value = randn([.. full, .. ev], dtype: float64);
            var world = Selection(names, full, offset: 2);
            var actual = WithIndices(useEffect, cfDim, names, full, worlds => Ppl.Causal.Indexed.Gather(value, world, ev.Length, worlds));

            var mask = MaskOf(world, ev.Length, names, full).expand(value.shape);
            var expected = value.masked_select(mask).reshape([-1, .. ev]);
            Assert.Equal(expected.numel(), actual.numel());
            Assert.True(Same(actual.reshape([-1, .. ev]), expected), Case(enumShape, plate, batch, ev));
        }
    }

    // ports chirho tests/indexed/test_internals.py::test_scatter_tensor
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ScatterTensor(bool useEffect)
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            var (cfDim, names, full) = CounterfactualDims(enumShape, plate, batch);
            var value = randn([.. enumShape, .. Ones(batch.Length), .. plate, .. ev], dtype: float64);
            var world = Selection(names, full, offset: 2);
            var actual = WithIndices(useEffect, cfDim, names, full, worlds =>
                Ppl.Causal.Indexed.Scatter(value, world, zeros([.. full, .. ev], dtype: float64), ev.Length, worlds));

            var mask = MaskOf(world, ev.Length, names, full);
            mask = mask.expand(ShapeUtil.Broadcast(value.shape, mask.shape));
            var expected = zeros(mask.shape, dtype: float64).masked_scatter(mask, value.reshape(-1));
            Assert.Equal(expected.numel(), actual.numel());
            Assert.True(Same(actual, expected), Case(enumShape, plate, batch, ev));
        }
    }

    // ports chirho tests/indexed/test_internals.py::test_scatter_gather_tensor
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ScatterGatherTensor(bool useEffect)
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            var (cfDim, names, full) = CounterfactualDims(enumShape, plate, batch);
            var value = randn([.. full, .. ev], dtype: float64);
            var world = Selection(names, full, offset: 2);
            var actual = WithIndices(useEffect, cfDim, names, full, worlds =>
                Ppl.Causal.Indexed.Scatter(Ppl.Causal.Indexed.Gather(value, world, ev.Length, worlds), world, zeros([.. full, .. ev], dtype: float64), ev.Length, worlds));

            var mask = MaskOf(world, ev.Length, names, full).expand(value.shape);
            var same = actual.eq(value);
            Assert.True(same.masked_select(mask).all().item<bool>(), Case(enumShape, plate, batch, ev));
            Assert.False(same.masked_select(mask.logical_not()).any().item<bool>(), Case(enumShape, plate, batch, ev));
        }
    }

    // ports chirho tests/indexed/test_internals.py::test_gather_scatter_tensor
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GatherScatterTensor(bool useEffect)
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            var (cfDim, names, full) = CounterfactualDims(enumShape, plate, batch);
            var value = randn([.. enumShape, .. Ones(batch.Length), .. plate, .. ev], dtype: float64);
            var world = Selection(names, full, offset: 1);
            var actual = WithIndices(useEffect, cfDim, names, full, worlds =>
                Ppl.Causal.Indexed.Gather(Ppl.Causal.Indexed.Scatter(value, world, zeros([.. full, .. ev], dtype: float64), ev.Length, worlds), world, ev.Length, worlds));
            Assert.True(Same(actual, value), Case(enumShape, plate, batch, ev));
        }
    }

    // ports chirho tests/indexed/test_internals.py::test_scatter_broadcast_new
    [Fact]
    public void ScatterBroadcastNew()
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            long[] full = [.. enumShape, 1, .. batch, .. plate];
            var value1 = randn([.. full, .. ev], dtype: float64);
            var value2 = randn([.. full, .. ev], dtype: float64);
            WorldDim[] names = [new("new_dim", -batch.Length - plate.Length - 1, 2)];
            var ind1 = new IndexSet(("new_dim", 0));
            var ind2 = new IndexSet(("new_dim", 1));
            long[] wide = [.. enumShape, 2, .. batch, .. plate, .. ev];

            var actual = Ppl.Causal.Indexed.Scatter(value1, ind1, zeros(wide, dtype: float64), ev.Length, names);
            actual = Ppl.Causal.Indexed.Scatter(value2, ind2, actual, ev.Length, names);
            var actual1 = Ppl.Causal.Indexed.Gather(actual, ind1, ev.Length, names);
            var actual2 = Ppl.Causal.Indexed.Gather(actual, ind2, ev.Length, names);

            Assert.Equal(wide, actual.shape);
            Assert.Equal([.. full, .. ev], actual1.shape);
            Assert.Equal([.. full, .. ev], actual2.shape);
            Assert.True(Same(actual1, value1));
            Assert.True(Same(actual2, value2));
        }
    }

    // ports chirho tests/indexed/test_internals.py::test_persistent_index_state, within one installation:
    // Ppl's world handlers start afresh at every installation (see docs/design/semantics-parity.md)
    [Fact]
    public void ScatterNThenGatherWithinOneInstallation()
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            int cfDim = -1 - plate.Length;
            var ind1 = new IndexSet(("new_dim", 0));
            var ind2 = new IndexSet(("new_dim", 1));
            var result = zeros([.. enumShape, 2, .. batch, .. plate, .. ev], dtype: float64);
            var value1 = randn([.. enumShape, 1, .. batch, .. plate, .. ev], dtype: float64);
            var value2 = randn([.. enumShape, 1, .. batch, .. plate, .. ev], dtype: float64);
            long[] batchPlate = [.. batch, .. plate];

            using (new MultiWorldCounterfactual(cfDim).Install())
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    Ppl.Causal.Indexed.AddIndices(Range($"dim_{i}", Math.Max(2, At(batchPlate, cfDim - i))));
                }

                // new_dim is created by ScatterN itself, at the next world dim: left of the batch dims
                var actual = Ppl.Causal.Indexed.ScatterN([new(ind1, value1), new(ind2, value2)], result, ev.Length);
                var actual1 = Ppl.Causal.Indexed.Gather(actual, ind1, ev.Length);
                var actual2 = Ppl.Causal.Indexed.Gather(actual, ind2, ev.Length);
                Assert.Equal(Ppl.Causal.Indexed.IndicesOf(actual1, ev.Length), Ppl.Causal.Indexed.IndicesOf(actual2, ev.Length));
                Assert.Equal(IndexSet.Union(ind1, ind2, Ppl.Causal.Indexed.IndicesOf(actual1, ev.Length)), Ppl.Causal.Indexed.IndicesOf(actual, ev.Length));
                Assert.True(Same(actual1, value1));
                Assert.True(Same(actual2, value2));
            }
        }
    }

    // ports chirho tests/indexed/test_internals.py::test_index_plate_names
    [Fact]
    public void IndexPlateNames()
    {
        using var scope = NewDisposeScope();
        IReadOnlyDictionary<string, Ppl.Effects.PlateFrame> plates;
        IndexSet indices;
        using (new MultiWorldCounterfactual(-1).Install())
        {
            Ppl.Causal.Indexed.AddIndices(Range("a", 2));
            plates = Ppl.Causal.Indexed.GetIndexPlates();
            indices = Ppl.Causal.Indexed.IndicesOf(randn(2));
        }

        Assert.True(indices.Contains("a"));
        var (name, frame) = Assert.Single(plates);
        Assert.NotEqual(name, frame.Name);
        Assert.Equal(-1, frame.Dim);
        Assert.Equal(2, frame.Size);
    }

    // ports chirho tests/indexed/test_internals.py::test_cond_tensor_associate
    [Fact]
    public void CondTensorAssociate()
    {
        foreach (var (enumShape, plate, batch, ev) in ShapeCases())
        {
            using var scope = NewDisposeScope();
            int cfDim = -1 - plate.Length;
            var ind1 = new IndexSet(("new_dim", 0));
            var ind2 = new IndexSet(("new_dim", 1));
            var ind3 = new IndexSet(("new_dim", 2));
            var @case = randint(0, 3, [.. enumShape, .. batch, .. plate]);
            var value1 = randn([.. batch, .. plate, .. ev], dtype: float64);
            var value2 = randn([.. enumShape, .. batch, .. Ones(plate.Length), .. ev], dtype: float64);
            var value3 = randn([.. enumShape, .. batch, .. plate, .. ev], dtype: float64);
            long[] batchPlate = [.. batch, .. plate];
            Tensor full, left, right;
            using (new MultiWorldCounterfactual(cfDim).Install())
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    Ppl.Causal.Indexed.AddIndices(Range($"dim_{i}", Math.Max(3, At(batchPlate, cfDim - i))));
                }

                full = Ppl.Causal.Indexed.CondN([new(ind1, value1), new(ind2, value2), new(ind3, value3)], @case, ev.Length);
                left = Ppl.Causal.Indexed.Cond(Ppl.Causal.Indexed.Cond(value1, value2, @case.eq(1), ev.Length), value3, @case.ge(2), ev.Length);
                right = Ppl.Causal.Indexed.Cond(value1, Ppl.Causal.Indexed.Cond(value2, value3, @case.eq(2), ev.Length), @case.ge(1), ev.Length);
                Assert.Equal(Ppl.Causal.Indexed.IndicesOf(full, ev.Length), Ppl.Causal.Indexed.IndicesOf(left, ev.Length));
                Assert.Equal(Ppl.Causal.Indexed.IndicesOf(left, ev.Length), Ppl.Causal.Indexed.IndicesOf(right, ev.Length));
            }

            Assert.Equal([.. enumShape, .. batch, .. plate, .. ev], full.shape);
            Assert.Equal(full.shape, left.shape);
            Assert.Equal(full.shape, right.shape);
            Assert.True(Same(full, left));
            Assert.True(Same(left, right));

            // and against the definition, entry by entry: case c picks value c+1
            var pick = @case.reshape([.. @case.shape, .. Ones(ev.Length)]);
            var expected = where(pick.eq(0), value1, where(pick.eq(1), value2, value3));
            Assert.True(Same(full, expected));
        }
    }

    [Fact]
    public void ScatterNamesItsMistakes()
    {
        using var scope = NewDisposeScope();
        WorldDim[] worlds = [new("x", -1, 2)];
        var unknown = Assert.Throws<ArgumentException>(() => Ppl.Causal.Indexed.Scatter(zeros(1), new IndexSet(("y", 0)), worlds: worlds));
        Assert.Contains("'y'", unknown.Message, StringComparison.Ordinal);
        var outOfRange = Assert.Throws<ArgumentException>(() => Ppl.Causal.Indexed.Scatter(zeros(1), new IndexSet(("x", 2)), zeros(2), worlds: worlds));
        Assert.Contains("'x' has 2 entries", outOfRange.Message, StringComparison.Ordinal);
        var tooWide = Assert.Throws<ArgumentException>(() => Ppl.Causal.Indexed.Scatter(zeros(3, 1), new IndexSet(("x", 1)), zeros(2), worlds: worlds));
        Assert.Contains("does not broadcast", tooWide.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Ppl.Causal.Indexed.CondN([new(new IndexSet(("x", 0), ("y", 0)), zeros(1))], zeros(1, dtype: int64)));
        Assert.Throws<ArgumentException>(() => Ppl.Causal.Indexed.Cond(zeros(1), ones(1), zeros(1)));
    }

    // ChiRho's gather, scatter and indices_of outside any handler use no index plates; Ppl's name
    // the missing index instead of returning the value unchanged (docs/design/semantics-parity.md)
    [Fact]
    public void GatherOutsideAWorldHandlerNamesTheMissingIndex()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(IndexSet.Empty, Ppl.Causal.Indexed.IndicesOf(zeros(2, 2)));
        var e = Assert.Throws<ArgumentException>(() => Ppl.Causal.Indexed.Gather(zeros(2), new IndexSet(("x", 0))));
        Assert.Contains("no world index named 'x'", e.Message, StringComparison.Ordinal);
    }

    private static WorldDim[] BatchDimNames(long[] plate, long[] batch, long[] full) =>
        Enumerable.Range(plate.Length, batch.Length).Select(i => new WorldDim($"b{i}", -1 - i, (int)At(full, -1 - i))).ToArray();

    private static IndexSet ExpectedIndices(WorldDim[] names, long[] full) =>
        new(names.Where(w => At(full, w.Dim) > 1).ToDictionary(w => w.Name, w => Enumerable.Range(0, (int)At(full, w.Dim))));

    private static (int CfDim, WorldDim[] Names, long[] Full) CounterfactualDims(long[] enumShape, long[] plate, long[] batch)
    {
        int cfDim = -1 - plate.Length;
        long[] full = [.. enumShape, .. batch, .. plate];
        var names = Enumerable.Range(0, batch.Length).Select(i => new WorldDim($"dim_{i}", cfDim - i, (int)Math.Max(2, At(full, cfDim - i)))).ToArray();
        return (cfDim, names, full);
    }

    /// <summary>Entry size − offset of every index the full shape varies along (ChiRho's test world).</summary>
    private static IndexSet Selection(WorldDim[] names, long[] full, int offset) =>
        new(names.Where(w => At(full, w.Dim) > 1).Select(w => (w.Name, (int)At(full, w.Dim) - offset)).ToArray());

    /// <summary>Runs <paramref name="op"/> with explicit worlds, or inside a world handler that learned them through AddIndices.</summary>
    private static Tensor WithIndices(bool useEffect, int cfDim, WorldDim[] names, long[] full, Func<IReadOnlyList<WorldDim>?, Tensor> op)
    {
        if (!useEffect)
        {
            return op(names);
        }

        using (new MultiWorldCounterfactual(cfDim).Install())
        {
            foreach (var w in names)
            {
                Ppl.Causal.Indexed.AddIndices(Range(w.Name, (int)Math.Max(2, At(full, w.Dim))));
            }

            return op(null);
        }
    }

    /// <summary>ChiRho's indexset_as_mask, built independently: true where every named dim is at a selected entry.</summary>
    private static Tensor MaskOf(IndexSet world, int eventDim, WorldDim[] names, long[] full)
    {
        int rank = names.Length == 0 ? 0 : -names.Min(w => w.Dim);
        var shape = Enumerable.Repeat(1L, rank).ToArray();
        var mask = ones(shape, dtype: ScalarType.Bool);
        foreach (var (name, entries) in world.Entries)
        {
            var w = names.Single(n => n.Name == name);
            long size = At(full, w.Dim);
            var flags = Enumerable.Range(0, (int)size).Select(entries.Contains).ToArray();
            var along = Enumerable.Repeat(1L, rank).ToArray();
            along[rank + w.Dim] = size;
            mask = mask.logical_and(tensor(flags).reshape(along));
        }

        return mask.reshape([.. mask.shape, .. Ones(eventDim)]);
    }

    private static IndexSet Range(string name, long size) =>
        new(new Dictionary<string, IEnumerable<int>> { [name] = Enumerable.Range(0, (int)size) });

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static long At(long[] shape, int dim) => shape[shape.Length + dim];

    private static long[] Ones(int n) => Enumerable.Repeat(1L, n).ToArray();

    private static string Case(long[] e, long[] p, long[] b, long[] ev) =>
        $"enum {ShapeUtil.Format(e)} plate {ShapeUtil.Format(p)} batch {ShapeUtil.Format(b)} event {ShapeUtil.Format(ev)}";
}
