using Ppl.Examples.CausalVae;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.CausalVae;

/// <summary>
/// The sprite renderer against independent truth: pixel counts against the shapes' areas (closed
/// forms for the square and the ellipse, a 16× finer brute-force count of the same implicit curve for
/// the heart), symmetries that hold exactly in the plane (a square turned by π/2, an ellipse by π)
/// and one that does not (a heart turned by π), where the centre lands, and that no position clips a sprite.
/// </summary>
public sealed class SpriteRendererTests
{
    private const double PixelArea = 1.0 / (SpriteRenderer.Side * SpriteRenderer.Side);

    [Theory]
    [InlineData(SpriteShape.Square, 1.0)]
    [InlineData(SpriteShape.Square, 0.5)]
    [InlineData(SpriteShape.Ellipse, 1.0)]
    [InlineData(SpriteShape.Ellipse, 0.5)]
    [InlineData(SpriteShape.Heart, 1.0)]
    [InlineData(SpriteShape.Heart, 0.5)]
    public void PixelCountsMatchTheShapesAreas(SpriteShape shape, double scale)
    {
        using var d = NewDisposeScope();
        double h = SpriteRenderer.HalfSize * scale;
        double area = shape switch
        {
            SpriteShape.Square => 4 * h * h,
            SpriteShape.Ellipse => Math.PI * h * (h / 2),
            _ => HeartAreaByBruteForce() * h * h,
        };
        double perimeter = shape switch
        {
            SpriteShape.Square => 8 * h,
            SpriteShape.Ellipse => Math.PI * ((3 * (h + (h / 2))) - Math.Sqrt(((3 * h) + (h / 2)) * (h + (3 * h / 2)))), // Ramanujan
            _ => 2 * Math.PI * 1.11 * h, // the circle around it: the heart's outline is shorter
        };
        double expected = area / PixelArea;
        double count = Render(shape, scale, 0.3, 0.5, 0.5).sum().item<float>();
        // sampling at pixel centres errs only where the outline crosses a pixel, and those errors
        // mostly cancel: a quarter of the outline's length in pixels bounds it
        double tolerance = 0.25 * perimeter * SpriteRenderer.Side;
        Assert.True(tolerance < 0.1 * expected || scale < 1, "the bound must be tight enough to mean something at scale 1");
        Assert.True(Math.Abs(count - expected) <= tolerance, $"{shape} at scale {scale}: {count} pixels, area says {expected:F1} (± {tolerance:F1})");
    }

    [Theory]
    [InlineData(SpriteShape.Square, Math.PI / 2)]
    [InlineData(SpriteShape.Ellipse, Math.PI)]
    public void TurningByTheShapesSymmetryChangesNothingUpToRasterization(SpriteShape shape, double turn)
    {
        using var d = NewDisposeScope();
        foreach (double angle in new[] { 0.0, 0.4, 1.1 })
        {
            var a = Render(shape, 0.8, angle, 0.3, 0.7);
            var b = Render(shape, 0.8, angle + turn, 0.3, 0.7);
            // the sets are equal in the plane; a pixel centre exactly on the outline may round either way
            Assert.True(a.sub(b).abs().sum().item<float>() <= 2, $"{shape} at {angle} and {angle + turn} differ in more than 2 pixels");
        }
    }

    [Fact]
    public void AHeartTurnedByPiIsUpsideDown()
    {
        using var d = NewDisposeScope();
        var upright = Render(SpriteShape.Heart, 1.0, 0, 0.5, 0.5);
        var turned = Render(SpriteShape.Heart, 1.0, Math.PI, 0.5, 0.5);
        Assert.True(upright.sub(turned).abs().sum().item<float>() > 40);
        // centred, a turn by π is the point reflection, which for a left-right symmetric heart is the
        // mirror image in rows (up to pixel centres on the outline)
        Assert.True(upright.flip(0).sub(turned).abs().sum().item<float>() <= 2);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(31, 0)]
    [InlineData(0, 31)]
    [InlineData(12, 25)]
    public void TheCentroidIsWherePositionPutsIt(int xIndex, int yIndex)
    {
        using var d = NewDisposeScope();
        var image = Render(SpriteShape.Square, 1.0, 0.7, SpriteGrid.Position(xIndex), SpriteGrid.Position(yIndex));
        var centres = arange(SpriteRenderer.Side, dtype: float32).add(0.5f).div(SpriteRenderer.Side);
        float mass = image.sum().item<float>();
        double cx = image.sum([0L]).mul(centres).sum().item<float>() / mass;
        double cy = image.sum([1L]).mul(centres).sum().item<float>() / mass;
        double span = 1 - (2 * SpriteRenderer.Margin);
        Assert.Equal(SpriteRenderer.Margin + (span * SpriteGrid.Position(xIndex)), cx, 0.5 / SpriteRenderer.Side);
        Assert.Equal(SpriteRenderer.Margin + (span * SpriteGrid.Position(yIndex)), cy, 0.5 / SpriteRenderer.Side);
    }

    [Fact]
    public void NoPositionClipsTheLargestSprites()
    {
        using var d = NewDisposeScope();
        foreach (var shape in Enum.GetValues<SpriteShape>())
        {
            float centred = Render(shape, 1.0, Math.PI / 4, 0.5, 0.5).sum().item<float>();
            foreach (var (x, y) in new[] { (0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0) })
            {
                // moving the sprite only changes which pixel centres it covers, by a few along the outline
                float corner = Render(shape, 1.0, Math.PI / 4, x, y).sum().item<float>();
                Assert.True(Math.Abs(corner - centred) <= 0.05 * centred, $"{shape} at ({x}, {y}): {corner} pixels against {centred} centred");
            }
        }
    }

    [Fact]
    public void GridUnitsRenderTheirFactorValuesAndChunksJoinUp()
    {
        using var d = NewDisposeScope();
        var units = arange(0, SpriteGrid.Count, 317L); // 2,326 units, so more than two chunks
        var factors = SpriteGrid.FactorIndices(units);
        var images = SpriteRenderer.Render(factors);
        Assert.Equal([units.shape[0], 64L, 64L], images.shape);
        foreach (long row in new long[] { 0, 1500, units.shape[0] - 1 })
        {
            var f = factors[row];
            var one = Render((SpriteShape)f[0].item<long>(), SpriteGrid.Scale(f[1].item<long>()), SpriteGrid.Orientation(f[2].item<long>()),
                SpriteGrid.Position(f[3].item<long>()), SpriteGrid.Position(f[4].item<long>()));
            Assert.Equal(0, images[row].sub(one).abs().sum().item<float>(), 0);
        }
    }

    [Fact]
    public void ShapeIndicesOutsideTheThreeShapesAreRefused()
    {
        using var d = NewDisposeScope();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SpriteRenderer.RenderValues(tensor(new long[] { 3 }), ones(1), zeros(1), zeros(1), zeros(1)));
        Assert.Contains("0 (square), 1 (ellipse) or 2 (heart)", error.Message);
    }

    [Fact]
    public void RendersOnTheMetaDevice()
    {
        using var d = NewDisposeScope();
        var meta = device("meta");
        var images = SpriteRenderer.RenderValues(zeros(5, dtype: int64, device: meta), ones(5, device: meta), zeros(5, device: meta), zeros(5, device: meta), zeros(5, device: meta));
        Assert.Equal([5L, 64L, 64L], images.shape);
        Assert.Equal(DeviceType.META, images.device_type);
    }

    private static Tensor Render(SpriteShape shape, double scale, double orientation, double x, double y) =>
        SpriteRenderer.RenderValues(tensor(new[] { (long)shape }), tensor(new[] { scale }), tensor(new[] { orientation }), tensor(new[] { x }), tensor(new[] { y }))[0];

    /// <summary>The heart's area in its own frame's units, counted on a fine grid of the same implicit curve.</summary>
    private static double HeartAreaByBruteForce()
    {
        const int n = 1024;
        int inside = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double u = -1.5 + (3.0 * (j + 0.5) / n), v = -1.5 + (3.0 * (i + 0.5) / n);
                double x = 1.15 * u, y = (1.15 * v) + 0.12;
                double r = (x * x) + (y * y) - 1;
                if ((r * r * r) - (x * x * y * y * y) <= 0)
                {
                    inside++;
                }
            }
        }

        return inside * 9.0 / (n * (double)n);
    }
}
