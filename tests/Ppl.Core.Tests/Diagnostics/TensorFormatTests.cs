using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Tests.Diagnostics;

/// <summary>What a user sees when printing a tensor's values: numbers, bounded, in the invariant culture.</summary>
public sealed class TensorFormatTests
{
    [Fact]
    public void AZeroDimTensorPrintsItsNumber()
    {
        using var scope = NewDisposeScope();
        var third = tensor(1.0 / 3, dtype: ScalarType.Float64);
        Assert.Equal("0.3333", TensorFormat.Values(third));
        Assert.Equal((1.0 / 3).ToString("G6", CultureInfo.InvariantCulture), TensorFormat.Values(third, significantDigits: 6));
        Assert.Equal("-7", TensorFormat.Values(tensor(-7L)));
        Assert.Equal("true", TensorFormat.Values(tensor(true)));
    }

    [Fact]
    public void ASmallTensorPrintsEveryValueInRowMajorOrder()
    {
        using var scope = NewDisposeScope();
        var m = tensor(new[] { 0.5f, -1.25f, 3f, 1e-5f }).reshape(2, 2);
        Assert.Equal("[0.5, -1.25, 3, 1E-05]", TensorFormat.Values(m));
        Assert.Equal("[0, 1, 2]", TensorFormat.Values(arange(3L)));
    }

    [Fact]
    public void ALargeTensorPrintsItsFirstAndLastValuesOnly()
    {
        using var scope = NewDisposeScope();
        var big = arange(1_000_000L, dtype: ScalarType.Float64).div(4);
        string text = TensorFormat.Values(big);
        Assert.Equal("[0, 0.25, 0.5, …, 2.5E+05, 2.5E+05, 2.5E+05]", text);
        Assert.Equal("[0, 1, …, 9]", TensorFormat.Values(arange(10L), maxValues: 3));
    }

    [Fact]
    public void SpecialValuesAndMetaTensorsPrintReadably()
    {
        using var scope = NewDisposeScope();
        Assert.Equal("[NaN, ∞, -∞]", TensorFormat.Values(tensor(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })));
        Assert.Equal("(meta tensor of shape [2, 3])", TensorFormat.Values(zeros(2, 3, device: device("meta"))));
        Assert.Equal("[]", TensorFormat.Values(zeros(0)));
    }

    [Fact]
    public void NumbersIgnoreACommaDecimalCulture()
    {
        using var scope = NewDisposeScope();
        var values = tensor(new[] { 1.5, 2500.25 });
        string text = CommaDecimalCulture.Run(() => TensorFormat.Values(values, significantDigits: 6));
        Assert.Equal("[1.5, 2500.25]", text);
        Assert.Equal("-0.001235", CommaDecimalCulture.Run(() => TensorFormat.Number(-0.00123456)));
    }
}
