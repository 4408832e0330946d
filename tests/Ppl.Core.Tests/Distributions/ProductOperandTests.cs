using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// Parameters that reach a matrix product inside a family or transform: a dtype, device or shape
/// that the product cannot take is an <see cref="ArgumentException"/> when the object is built or
/// called, never a draw that aborts the process (TorchSharp's matmul does not catch libtorch's
/// errors; see docs/design/aborting-bindings.md). The abort itself is pinned in a child process
/// by tests/AbortProbe (probes <c>ppl.*</c>).
/// </summary>
[Collection("Sequential")]
public sealed class ProductOperandTests
{
    private static readonly Device Meta = new(DeviceType.META);

    [Fact]
    public void MultivariateNormalWithLocAndMatrixOfDifferentDtypesThrowsNamingBoth()
    {
        using var scope = NewDisposeScope();
        var loc = zeros(3, dtype: float64);
        var matrix = eye(3, dtype: float32);
        foreach (var make in new Func<MultivariateNormal>[]
        {
            () => MultivariateNormal.FromScaleTril(loc, matrix),
            () => MultivariateNormal.FromCovariance(loc, matrix),
            () => MultivariateNormal.FromPrecision(loc, matrix),
        })
        {
            var e = Assert.Throws<ArgumentException>(make);
            Assert.Contains("Float64", e.Message, StringComparison.Ordinal);
            Assert.Contains("Float32", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MultivariateNormalWithLocAndMatrixOnDifferentDevicesThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => MultivariateNormal.FromScaleTril(zeros(3, dtype: float64, device: Meta), eye(3, dtype: float64)));
        Assert.Contains("meta", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LowRankMultivariateNormalWithMixedDtypesOrDevicesThrows()
    {
        using var scope = NewDisposeScope();
        var loc = zeros(3, dtype: float64);
        var e = Assert.Throws<ArgumentException>(() => new LowRankMultivariateNormal(loc, ones(3, 2, dtype: float32), ones(3, dtype: float64)));
        Assert.Contains("covFactor", e.Message, StringComparison.Ordinal);
        Assert.Contains("Float32", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new LowRankMultivariateNormal(loc, ones(3, 2, dtype: float64), ones(3, dtype: float32)));
        Assert.Contains("covDiag", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new LowRankMultivariateNormal(loc, ones(3, 2, dtype: float64, device: Meta), ones(3, dtype: float64)));
        Assert.Contains("meta", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CholeskyOuterProductTakesOnlySquareMatrices()
    {
        using var scope = NewDisposeScope();
        var t = CholeskyOuterProductTransform.Instance;
        Assert.Contains("[2, 3]", Assert.Throws<ArgumentException>(() => t.Forward(ones(2, 3, dtype: float64))).Message, StringComparison.Ordinal);
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => t.Forward(ones(3, dtype: float64))).Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", Assert.Throws<ArgumentException>(() => t.Inverse(ones(2, 3, dtype: float64))).Message, StringComparison.Ordinal);

        // square ones go through: L·Lᵀ of a Cholesky factor, and back
        var l = tensor(new[] { 2.0, 0.0, 0.5, 1.5 }, [2, 2], dtype: float64);
        var sigma = t.Forward(l);
        Assert.True(sigma.allclose(tensor(new[] { 4.0, 1.0, 1.0, 2.5 }, [2, 2], dtype: float64)));
        Assert.True(t.Inverse(sigma).allclose(l));
    }

    [Fact]
    public void LowerCholeskyInverseTakesOnlySquareMatrices()
    {
        // a [1, 3] or [3, 1] y reached the packing product with shapes it cannot take (an abort
        // before the check: probes ppl.lowercholesky.row and .column)
        using var scope = NewDisposeScope();
        var t = LowerCholeskyTransform.Instance;
        foreach (long[] shape in new long[][] { [1, 3], [3, 1], [2, 3], [3] })
        {
            var e = Assert.Throws<ArgumentException>(() => t.Inverse(ones(shape, dtype: float64)));
            Assert.Contains(ShapeUtil.Format(shape), e.Message, StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentException>(() => t.Forward(ones(Array.Empty<long>(), dtype: float64)));
        Assert.Throws<ArgumentException>(() => t.Forward(ones([3], dtype: ScalarType.Bool)));

        // square ones go through and invert Forward
        var x = tensor(new[] { 0.1, -0.5, 0.3 }, dtype: float64);
        Assert.True(t.Inverse(t.Forward(x)).allclose(x));
    }
}
