using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// The in-place finiteness scan against libtorch's own <c>isfinite().all()</c>: a NaN or ±∞ in the
/// vectorized body or in the scalar tail, in float32 and float64, and huge finite values whose sum
/// would overflow (the scan must not call those non-finite).
/// </summary>
public sealed class CpuFiniteScanTests
{
    public static readonly TheoryData<ScalarType, int, int, double> Cases = new()
    {
        { ScalarType.Float32, 1003, 3, double.NaN },
        { ScalarType.Float32, 1003, 1001, double.PositiveInfinity },
        { ScalarType.Float32, 5, 4, double.NegativeInfinity },
        { ScalarType.Float64, 1003, 17, double.PositiveInfinity },
        { ScalarType.Float64, 1003, 1002, double.NaN },
        { ScalarType.Float64, 1, 0, double.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FindsOneNonFiniteEntryAnywhere(ScalarType dtype, int length, int at, double bad)
    {
        using var scope = NewDisposeScope();
        var t = randn(length, dtype: dtype);
        Assert.True(CpuFiniteScan.Applies(t));
        Assert.True(CpuFiniteScan.AllFinite(t));
        t[at] = tensor(bad, dtype: dtype);
        Assert.Equal(t.isfinite().all().item<bool>(), CpuFiniteScan.AllFinite(t));
        Assert.False(CpuFiniteScan.AllFinite(t));
    }

    [Theory]
    [InlineData(ScalarType.Float32, 3e38)]
    [InlineData(ScalarType.Float64, 1.7e308)]
    public void HugeFiniteValuesAreFinite(ScalarType dtype, double value)
    {
        using var scope = NewDisposeScope();
        var t = full(1001, value, dtype: dtype);
        Assert.True(t.sum().isinf().item<bool>()); // a sum would have called them non-finite
        Assert.True(CpuFiniteScan.AllFinite(t));
    }

    [Fact]
    public void OtherLayoutsAreLeftToTheTensorCheck()
    {
        using var scope = NewDisposeScope();
        Assert.False(CpuFiniteScan.Applies(randn(4, 6).t()));
        Assert.False(CpuFiniteScan.Applies(ones(8, dtype: ScalarType.Int64)));
        Assert.False(CpuFiniteScan.Applies(empty(8, device: device("meta"))));
        using (FastPaths.Disable())
        {
            Assert.False(CpuFiniteScan.Applies(randn(8)));
        }
    }
}
