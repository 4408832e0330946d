using Ppl.Examples.CausalVae;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.CausalVae;

/// <summary>IoU per image against hand-counted overlaps.</summary>
public sealed class IouTests
{
    [Fact]
    public void OverlappingSquaresScoreTheirSharedAreaOverTheirUnion()
    {
        using var scope = NewDisposeScope();
        var a = zeros(2, 8, 8, dtype: ScalarType.Bool);
        var b = zeros(2, 8, 8, dtype: ScalarType.Bool);
        a[0, 0..4, 0..4] = tensor(true); // 16 pixels
        b[0, 2..6, 2..6] = tensor(true); // 16 pixels, 4 shared: 4 / 28
        a[1, 0..2, 0..8] = tensor(true); // identical halves: 1
        b[1, 0..2, 0..8] = tensor(true);

        var iou = Iou.PerImage(a.view(2, 64), b.view(2, 64).to(ScalarType.Float32));

        Assert.Equal(4.0 / 28.0, iou[0].item<double>(), 12);
        Assert.Equal(1.0, iou[1].item<double>(), 12);
    }

    [Fact]
    public void TwoEmptyImagesAgreeAndAnEmptyOneAgainstAShapeScoresZero()
    {
        using var scope = NewDisposeScope();
        var empty = zeros(2, 16);
        var other = zeros(2, 16);
        other[1, 3] = tensor(1f);

        var iou = Iou.PerImage(empty, other);

        Assert.Equal(1.0, iou[0].item<double>());
        Assert.Equal(0.0, iou[1].item<double>());
    }

    [Fact]
    public void ImagesOfDifferentShapesAreRejectedWithBothShapes()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Iou.PerImage(zeros(3, 16), zeros(3, 15)));
        Assert.Contains("[3, 16]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 15]", e.Message, StringComparison.Ordinal);
    }
}
