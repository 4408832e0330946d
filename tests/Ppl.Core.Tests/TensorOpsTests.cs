using System.Runtime.InteropServices;
using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>
/// The checked products against libtorch: on every pair of shapes from a grid (ranks 1–4, batch
/// sizes 1–3) they equal the unchecked product where libtorch's own broadcasting says the shapes
/// fit, and throw <see cref="ArgumentException"/> everywhere else (where <c>matmul</c> would
/// abort the process, so the unchecked product is never called there).
/// </summary>
[Collection("Sequential")]
public sealed class TensorOpsTests
{
    private static readonly Device Meta = new(DeviceType.META);

    /// <summary>
    /// Shapes of the given rank: the last two dims from {2, 3}, the batch dim next to them from
    /// {1, 2, 3}, an outer batch dim from {1, 3} (size 1 broadcasts, 2 and 3 clash).
    /// </summary>
    private static IEnumerable<long[]> Shapes(int rank)
    {
        IEnumerable<long[]> shapes = [[]];
        for (int i = 0; i < rank; i++)
        {
            long[] sizes = i >= rank - 2 ? [2, 3] : i == rank - 3 ? [1, 2, 3] : [1, 3];
            shapes = shapes.SelectMany(s => sizes.Select(n => (long[])[.. s, n]));
        }

        return shapes;
    }

    private static IEnumerable<long[]> ShapesOfRank(int from, int to) => Enumerable.Range(from, to - from + 1).SelectMany(Shapes);

    /// <summary>libtorch's own answer to "do these batch shapes broadcast" (add throws a catchable error).</summary>
    private static bool TorchBroadcasts(long[] a, long[] b)
    {
        using var scope = NewDisposeScope();
        try
        {
            _ = empty(a, dtype: float64).add(empty(b, dtype: float64));
            return true;
        }
        catch (ExternalException)
        {
            return false;
        }
    }

    private static Tensor Random(long[] shape, Generator g) => randn(shape, dtype: float64, generator: g);

    [Fact]
    public void CheckedMatMulEqualsMatmulWhereTheShapesFitAndThrowsEverywhereElse()
    {
        using var g = new Generator(7);
        int valid = 0, invalid = 0;
        foreach (var sa in ShapesOfRank(1, 4))
        {
            foreach (var sb in ShapesOfRank(1, 4))
            {
                using var scope = NewDisposeScope();
                long innerB = sb.Length == 1 ? sb[0] : sb[^2];
                bool fits = sa[^1] == innerB && TorchBroadcasts(sa.Length > 2 ? sa[..^2] : [], sb.Length > 2 ? sb[..^2] : []);
                var a = Random(sa, g);
                var b = Random(sb, g);
                if (fits)
                {
                    var expected = a.matmul(b);
                    var actual = a.CheckedMatMul(b);
                    Assert.Equal(expected.shape, actual.shape);
                    Assert.Equal(expected.shape, TensorOps.MatMulShape(sa, sb));
                    Assert.True(actual.eq(expected).all().item<bool>(), $"{ShapeUtil.Format(sa)} · {ShapeUtil.Format(sb)}");
                    valid++;
                }
                else
                {
                    var e = Assert.Throws<ArgumentException>(() => a.CheckedMatMul(b));
                    Assert.Contains(ShapeUtil.Format(sa), e.Message, StringComparison.Ordinal);
                    Assert.Contains(ShapeUtil.Format(sb), e.Message, StringComparison.Ordinal);
                    invalid++;
                }
            }
        }

        // the grid holds both kinds in numbers (every rank pair has fitting and clashing shapes)
        Assert.True(valid > 500 && invalid > 500, $"valid {valid}, invalid {invalid}");
    }

    [Fact]
    public void BatchedDotIsTheDotProductOverTheLastDimWithBroadcastBatchDims()
    {
        using var g = new Generator(8);
        int valid = 0, invalid = 0;
        foreach (var sa in ShapesOfRank(1, 3))
        {
            foreach (var sb in ShapesOfRank(1, 3))
            {
                using var scope = NewDisposeScope();
                bool fits = sa[^1] == sb[^1] && TorchBroadcasts(sa[..^1], sb[..^1]);
                var a = Random(sa, g);
                var b = Random(sb, g);
                if (fits)
                {
                    // independent route: a row vector times a column vector per batch element
                    var expected = a.unsqueeze(-2).matmul(b.unsqueeze(-1)).squeeze(-1).squeeze(-1);
                    var actual = a.BatchedDot(b);
                    Assert.Equal(expected.shape, actual.shape);
                    Assert.True(actual.allclose(expected, rtol: 1e-12, atol: 1e-12), $"{ShapeUtil.Format(sa)} · {ShapeUtil.Format(sb)}");
                    valid++;
                }
                else
                {
                    var e = Assert.Throws<ArgumentException>(() => a.BatchedDot(b));
                    Assert.Contains(ShapeUtil.Format(sa), e.Message, StringComparison.Ordinal);
                    invalid++;
                }
            }
        }

        Assert.True(valid > 50 && invalid > 50, $"valid {valid}, invalid {invalid}");
    }

    [Fact]
    public void BatchedMatVecIsTheBroadcastingIdiom()
    {
        using var g = new Generator(9);
        int valid = 0, invalid = 0;
        foreach (var sm in ShapesOfRank(2, 4))
        {
            foreach (var sv in ShapesOfRank(1, 3))
            {
                using var scope = NewDisposeScope();
                bool fits = sm[^1] == sv[^1] && TorchBroadcasts(sm[..^2], sv[..^1]);
                var m = Random(sm, g);
                var v = Random(sv, g);
                if (fits)
                {
                    var expected = m.mul(v.unsqueeze(-2)).sum(-1); // (X * w.unsqueeze(-2)).sum(-1)
                    var actual = m.BatchedMatVec(v);
                    Assert.Equal(expected.shape, actual.shape);
                    Assert.True(actual.allclose(expected, rtol: 1e-12, atol: 1e-12), $"{ShapeUtil.Format(sm)} · {ShapeUtil.Format(sv)}");
                    valid++;
                }
                else
                {
                    var e = Assert.Throws<ArgumentException>(() => m.BatchedMatVec(v));
                    Assert.Contains(ShapeUtil.Format(sv), e.Message, StringComparison.Ordinal);
                    invalid++;
                }
            }
        }

        Assert.True(valid > 50 && invalid > 50, $"valid {valid}, invalid {invalid}");
    }

    [Fact]
    public void RegressionWeightsWithASampleDimGiveOneMeanPerSampleAndRow()
    {
        // X [N, D] and w [S, 1, D] (sample dim, then the size-1 dim of the plate over rows)
        using var scope = NewDisposeScope();
        using var g = new Generator(10);
        var x = Random([5, 3], g);
        var w = Random([4, 1, 3], g);
        var rowwise = x.BatchedDot(w);
        var perVector = x.BatchedMatVec(w);
        Assert.Equal(new long[] { 4, 5 }, rowwise.shape);
        Assert.Equal(new long[] { 4, 1, 5 }, perVector.shape);
        for (int s = 0; s < 4; s++)
        {
            var truth = x.CheckedMatMul(w[s, 0]); // one draw at a time: [5, 3] · [3]
            Assert.True(rowwise[s].allclose(truth, rtol: 1e-12, atol: 1e-12));
            Assert.True(perVector[s, 0].allclose(truth, rtol: 1e-12, atol: 1e-12));
        }

        // what X.matmul(w) would abort on is an ArgumentException naming both shapes
        var e = Assert.Throws<ArgumentException>(() => x.CheckedMatMul(w));
        Assert.Contains("[5, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 1, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("BatchedMatVec", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Products => ["CheckedMatMul", "BatchedDot", "BatchedMatVec"];

    private static Tensor Product(string name, Tensor a, Tensor b) => name switch
    {
        "CheckedMatMul" => a.CheckedMatMul(b),
        "BatchedDot" => a.BatchedDot(b),
        "BatchedMatVec" => a.BatchedMatVec(b),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Products))]
    public void MixedDtypesBoolIntegersAndMixedDevicesThrow(string product)
    {
        using var scope = NewDisposeScope();
        var a = ones(3, 3, dtype: float64);
        var b = ones(3, 3, dtype: float64);
        Assert.Contains("Float32", Assert.Throws<ArgumentException>(() => Product(product, a, b.to(float32))).Message, StringComparison.Ordinal);
        Assert.Contains("Bool", Assert.Throws<ArgumentException>(() => Product(product, a.to(ScalarType.Bool), b.to(ScalarType.Bool))).Message, StringComparison.Ordinal);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => Product(product, a.to(int64), b.to(int64))).Message, StringComparison.Ordinal);
        Assert.Contains("meta", Assert.Throws<ArgumentException>(() => Product(product, a, b.to(Meta))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Product(product, ones(Array.Empty<long>(), dtype: float64), b));
        Assert.Throws<ArgumentNullException>(() => Product(product, a, null!));
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void ProductsRunOnTheMetaDevice(string product)
    {
        using var scope = NewDisposeScope();
        var a = empty([2, 4, 3], dtype: float32, device: Meta);
        (long[] other, long[] expected) = product switch
        {
            "CheckedMatMul" => ((long[])[3, 5], (long[])[2, 4, 5]),
            "BatchedDot" => ([4, 3], [2, 4]),
            _ => ([5, 1, 3], [5, 2, 4]),
        };
        var result = Product(product, a, empty(other, dtype: float32, device: Meta));
        Assert.Equal(DeviceType.META, result.device_type);
        Assert.Equal(expected, result.shape);
    }

    [Fact]
    public void MatMulShapeFollowsMatmulsVectorRules()
    {
        Assert.Equal(Array.Empty<long>(), TensorOps.MatMulShape([3], [3]));
        Assert.Equal(new long[] { 2 }, TensorOps.MatMulShape([2, 3], [3]));
        Assert.Equal(new long[] { 4 }, TensorOps.MatMulShape([3], [3, 4]));
        Assert.Equal(new long[] { 5, 4 }, TensorOps.MatMulShape([3], [5, 3, 4]));
        Assert.Equal(new long[] { 5, 2 }, TensorOps.MatMulShape([5, 2, 3], [3]));
        Assert.Equal(new long[] { 6, 5, 2, 4 }, TensorOps.MatMulShape([6, 1, 2, 3], [5, 3, 4]));
        Assert.Equal(new long[] { 0, 2, 4 }, TensorOps.MatMulShape([0, 2, 3], [1, 3, 4]));
        Assert.Throws<ArgumentException>(() => TensorOps.MatMulShape([0, 2, 3], [2, 3, 4]));
        Assert.Throws<ArgumentException>(() => TensorOps.MatMulShape([], [3]));
    }
}
