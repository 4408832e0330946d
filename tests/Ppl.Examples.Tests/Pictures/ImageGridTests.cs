using Ppl.Examples.Pictures;
using SkiaSharp;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.Pictures;

/// <summary>The grid PNG decoded again: sizes, where each image lands, enlargement, gray lines, refusals.</summary>
public sealed class ImageGridTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-grid-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TilesLandWhereTheyShouldEnlargedAndFramed()
    {
        using var scope = NewDisposeScope();
        // 5 images of 2 × 3; pixel (r, c) of image k is (13k + 3r + c) / 255
        var images = arange(30, dtype: ScalarType.Float64).reshape(5, 2, 3)
            .add(arange(5, dtype: ScalarType.Float64).mul(7).reshape(5, 1, 1)).div(255);
        string path = Path.Combine(_folder, "grid.png");

        ImageGrid.WritePng(path, images, columns: 3, scale: 2, padding: 1);

        using var png = SKBitmap.Decode(path);
        Assert.Equal((1 + (3 * 7), 1 + (2 * 5)), (png.Width, png.Height));
        byte Pixel(int x, int y) => png.GetPixel(x, y).Red;
        // image 4 is row 1, column 1: its tile starts at (1 + 7, 1 + 5); pixel (1, 2) covers x 12–13, y 8–9
        Assert.Equal((byte)((13 * 4) + 3 + 2), Pixel(8 + 4, 6 + 2));
        Assert.Equal((byte)((13 * 4) + 3 + 2), Pixel(8 + 5, 6 + 3));
        Assert.Equal((byte)0, Pixel(1, 1));
        Assert.Equal(ImageGrid.Background, Pixel(0, 0));
        Assert.Equal(ImageGrid.Background, Pixel(7, 3));
        // the sixth tile is empty
        Assert.Equal(ImageGrid.Background, Pixel(15 + 2, 6 + 2));
    }

    [Fact]
    public void Uint8ImagesAreWrittenAsStored()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_folder, "bytes.png");
        ImageGrid.WritePng(path, tensor(new byte[] { 0, 255, 17, 200 }).reshape(1, 2, 2), columns: 1, scale: 1, padding: 0);

        using var png = SKBitmap.Decode(path);
        Assert.Equal(new byte[] { 0, 255, 17, 200 }, new[] { png.GetPixel(0, 0), png.GetPixel(1, 0), png.GetPixel(0, 1), png.GetPixel(1, 1) }.Select(c => c.Red));
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void FloatValuesOutsideZeroOneAreRefused(double bad)
    {
        using var scope = NewDisposeScope();
        var images = zeros(1, 2, 2, dtype: ScalarType.Float64);
        images[0, 1, 1] = tensor(bad, dtype: ScalarType.Float64);

        var e = Assert.Throws<ArgumentException>(() => ImageGrid.WritePng(Path.Combine(_folder, "bad.png"), images, columns: 1));
        Assert.Contains("pixel 3", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "bad.png")));
    }

    [Fact]
    public void FlatRowsAreRefusedWithTheReshapeToUse()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.WritePng(Path.Combine(_folder, "flat.png"), zeros(4, 784), columns: 2));
        Assert.Contains("[4, 784]", e.Message, StringComparison.Ordinal);
        Assert.Contains("reshape", e.Message, StringComparison.Ordinal);
    }
}
