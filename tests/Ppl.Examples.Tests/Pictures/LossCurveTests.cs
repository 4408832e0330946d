using Ppl.Examples.Pictures;
using SkiaSharp;

namespace Ppl.Tests.Examples.Pictures;

/// <summary>The loss-curve PNG decoded again: its size, that it shows both curves, and the refusals.</summary>
public sealed class LossCurveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-loss-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LossSeries Train => LossSeries.PerEpoch("train −ELBO", [.. Enumerable.Range(0, 30).Select(e => 100 + (80 * Math.Exp(-e / 5.0)))]);

    private static LossSeries Test => LossSeries.PerEpoch("test −ELBO", [.. Enumerable.Range(0, 30).Select(e => 104 + (78 * Math.Exp(-e / 5.0)))]);

    [Fact]
    public void TwoCurvesMakeAPngOfTheAskedSizeThatShowsBoth()
    {
        string path = Path.Combine(_folder, "sub", "loss.png");
        LossCurve.WritePng(path, [Train, Test], title: "VAE", yLabel: "−ELBO per image (nats)", width: 640, height: 400);

        using var png = SKBitmap.Decode(path);
        Assert.Equal((640, 400), (png.Width, png.Height));

        // not blank: the background is the most common color, and both curve colors (Category10's
        // first two, blue and orange) are drawn in clearly more pixels than a legend swatch
        var counts = new Dictionary<SKColor, int>();
        for (int y = 0; y < png.Height; y++)
        {
            for (int x = 0; x < png.Width; x++)
            {
                var c = png.GetPixel(x, y);
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        var background = counts.MaxBy(kv => kv.Value).Key;
        int drawn = counts.Where(kv => kv.Key != background).Sum(kv => kv.Value);
        Assert.InRange(drawn, png.Width * png.Height / 50, png.Width * png.Height / 2);
        int Near(SKColor target) => counts.Where(kv => Math.Abs(kv.Key.Red - target.Red) + Math.Abs(kv.Key.Green - target.Green) + Math.Abs(kv.Key.Blue - target.Blue) < 30).Sum(kv => kv.Value);
        Assert.True(Near(new SKColor(0x1f, 0x77, 0xb4)) > 300, "the first curve (blue) is drawn");
        Assert.True(Near(new SKColor(0xff, 0x7f, 0x0e)) > 300, "the second curve (orange) is drawn");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteLossesAreRefusedNotDropped(double bad)
    {
        var ys = Train.Y.ToArray();
        ys[7] = bad;
        var e = Assert.Throws<ArgumentException>(() => LossCurve.WritePng(Path.Combine(_folder, "bad.png"), [LossSeries.PerEpoch("train", ys)]));
        Assert.Contains("'train'", e.Message, StringComparison.Ordinal);
        Assert.Contains("point 7", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "bad.png")));
    }

    [Fact]
    public void EmptyMismatchedUnnamedOrRepeatedSeriesAreRefused()
    {
        string path = Path.Combine(_folder, "bad.png");
        Assert.Contains("at least one series", Assert.Throws<ArgumentException>(() => LossCurve.WritePng(path, [])).Message, StringComparison.Ordinal);
        Assert.Contains("'test'", Assert.Throws<ArgumentException>(() => LossCurve.WritePng(path, [Train, LossSeries.PerEpoch("test", [])])).Message, StringComparison.Ordinal);
        Assert.Contains("2 x and 1 y", Assert.Throws<ArgumentException>(() => LossCurve.WritePng(path, [new LossSeries("a", [1, 2], [3])])).Message, StringComparison.Ordinal);
        Assert.Contains("name", Assert.Throws<ArgumentException>(() => LossCurve.WritePng(path, [LossSeries.PerEpoch(" ", [1.0])])).Message, StringComparison.Ordinal);
        Assert.Contains("two series", Assert.Throws<ArgumentException>(() => LossCurve.WritePng(path, [Train, Train])).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void PerEpochCountsEpochsFromOne()
    {
        var s = LossSeries.PerEpoch("train", [5.0, 4.0, 3.5]);
        Assert.Equal([1.0, 2.0, 3.0], s.X);
    }
}
