using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary><see cref="TensorShape.Shape"/> reads sizes one native call at a time; it must give exactly TorchSharp's <c>shape</c>.</summary>
[Collection("Sequential")]
public sealed class TensorShapeTests
{
    public static TheoryData<long[]> Shapes => new([], [1], [7], [2, 3, 4, 5], [0, 3], [3, 0], [1, 1, 1, 1, 1, 1]);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ShapeEqualsTorchSharpsShape(long[] shape)
    {
        using var scope = NewDisposeScope();
        foreach (var t in new[] { zeros(shape), zeros(shape, dtype: ScalarType.Int64), zeros(shape, device: device("meta")) })
        {
            Assert.Equal(t.shape, t.Shape());
            Assert.Equal(shape, t.Shape());
        }
    }

    [Fact]
    public void ShapeOfViewsIsTheViewsShape()
    {
        using var scope = NewDisposeScope();
        var t = arange(24).reshape(2, 3, 4);
        foreach (var v in new[] { t.permute(2, 0, 1), t[1], t.unsqueeze(1), t.expand(5, 2, 3, 4), t.select(2, 0), t.narrow(1, 1, 0), t.sum() })
        {
            Assert.Equal(v.shape, v.Shape());
        }
    }

    [Fact]
    public void EachCallReturnsANewArray()
    {
        using var scope = NewDisposeScope();
        var t = zeros(2, 3);
        var a = t.Shape();
        a[0] = 99;
        Assert.Equal([2L, 3L], t.Shape());
    }
}
