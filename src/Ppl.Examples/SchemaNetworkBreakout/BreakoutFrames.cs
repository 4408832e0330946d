using SkiaSharp;

namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>
/// Draws MiniBreakout states (<c>bool[attributes, rows, columns]</c>, see <see cref="MiniBreakout"/>) as one PNG
/// of tiles, left to right and top to bottom, so an episode, a prediction or a counterfactual can be read at a
/// glance: walls dark gray, bricks orange-red, the paddle blue, the floor row faintly tinted, the ball a black
/// disc with an arrow towards where it is heading, an optional caption under each tile and an optional red ring
/// per tile (a ghost ball, e.g. where the ball would have been under another action).
/// </summary>
internal static class BreakoutFrames
{
    /// <summary>The white margin around and between tiles, in pixels.</summary>
    public const int Padding = 6;

    /// <summary>The height of the caption band under each tile when captions are given, in pixels.</summary>
    public const int CaptionHeight = 18;

    public static SKColor WallColor { get; } = new(0x4A, 0x4A, 0x4A);

    public static SKColor BrickColor { get; } = new(0xE8, 0x5D, 0x24);

    /// <summary>The outline of each brick: without it a full row of bricks reads as one bar.</summary>
    public static SKColor BrickEdgeColor { get; } = new(0x9C, 0x35, 0x0C);

    public static SKColor PaddleColor { get; } = new(0x2F, 0x6B, 0xD8);

    public static SKColor FloorColor { get; } = new(0xF7, 0xE4, 0xE4);

    public static SKColor EmptyColor { get; } = new(0xFC, 0xFC, 0xFC);

    public static SKColor BallColor { get; } = SKColors.Black;

    public static SKColor MarkColor { get; } = new(0xE0, 0x10, 0x10);

    private const float CaptionFontSize = 12;

    /// <summary>
    /// Writes <paramref name="frames"/> to <paramref name="path"/> (creating its directory) as a PNG with
    /// min(<paramref name="columns"/>, frame count) tiles a row, each cell <paramref name="cell"/> pixels square.
    /// The image is <c>Padding + k·(12·cell + Padding)</c> wide for k tiles a row and
    /// <c>Padding + r·(10·cell + caption + Padding)</c> high for r rows of tiles, where caption is
    /// <see cref="CaptionHeight"/> when <paramref name="captions"/> is given and 0 otherwise.
    /// </summary>
    /// <param name="marks">Per frame, a cell to ring in red, or null for none; null for no rings at all.</param>
    /// <exception cref="ArgumentException">No frames, a frame not of shape [attributes, rows, columns] of MiniBreakout, captions or marks not one per frame, or a mark outside the grid.</exception>
    public static void WritePng(
        string path,
        IReadOnlyList<bool[,,]> frames,
        IReadOnlyList<string>? captions = null,
        int columns = 6,
        int cell = 16,
        IReadOnlyList<(int Row, int Column)?>? marks = null)
    {
        Validate(path, frames, captions, columns, cell, marks);
        int across = Math.Min(columns, frames.Count);
        int down = (frames.Count + across - 1) / across;
        int tileWidth = MiniBreakout.Columns * cell, tileHeight = MiniBreakout.Rows * cell;
        int caption = captions is null ? 0 : CaptionHeight;
        int width = Padding + (across * (tileWidth + Padding));
        int height = Padding + (down * (tileHeight + caption + Padding));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var font = CaptionFont();
            for (int k = 0; k < frames.Count; k++)
            {
                float left = Padding + ((k % across) * (tileWidth + Padding));
                float top = Padding + ((k / across) * (tileHeight + caption + Padding));
                DrawTile(canvas, frames[k], left, top, cell);
                if (marks?[k] is var (row, column))
                {
                    DrawMark(canvas, left + ((column + 0.5f) * cell), top + ((row + 0.5f) * cell), cell);
                }

                if (captions is not null)
                {
                    DrawCaption(canvas, font, captions[k], left, top + tileHeight, tileWidth);
                }
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    private static void Validate(string path, IReadOnlyList<bool[,,]> frames, IReadOnlyList<string>? captions, int columns, int cell, IReadOnlyList<(int Row, int Column)?>? marks)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);

        // below 4 pixels a cell has no room for the ball's arrow, and the picture would not read
        ArgumentOutOfRangeException.ThrowIfLessThan(cell, 4);
        if (frames.Count == 0)
        {
            throw new ArgumentException("BreakoutFrames.WritePng: frames is empty; give at least one state.", nameof(frames));
        }

        string expected = $"[{MiniBreakout.Attributes.Count}, {MiniBreakout.Rows}, {MiniBreakout.Columns}]";
        for (int k = 0; k < frames.Count; k++)
        {
            var f = frames[k] ?? throw new ArgumentException($"BreakoutFrames.WritePng: frame {k} is null.", nameof(frames));
            if (f.GetLength(0) != MiniBreakout.Attributes.Count || f.GetLength(1) != MiniBreakout.Rows || f.GetLength(2) != MiniBreakout.Columns)
            {
                throw new ArgumentException($"BreakoutFrames.WritePng: frame {k} has shape [{f.GetLength(0)}, {f.GetLength(1)}, {f.GetLength(2)}]; MiniBreakout states have shape {expected} (attributes, rows, columns).", nameof(frames));
            }
        }

        if (captions is not null && captions.Count != frames.Count)
        {
            throw new ArgumentException($"BreakoutFrames.WritePng: {captions.Count} captions for {frames.Count} frames; give one caption per frame (or none).", nameof(captions));
        }

        if (marks is null)
        {
            return;
        }

        if (marks.Count != frames.Count)
        {
            throw new ArgumentException($"BreakoutFrames.WritePng: {marks.Count} marks for {frames.Count} frames; give one (possibly null) mark per frame (or none).", nameof(marks));
        }

        for (int k = 0; k < marks.Count; k++)
        {
            if (marks[k] is var (row, column) && (row < 0 || row >= MiniBreakout.Rows || column < 0 || column >= MiniBreakout.Columns))
            {
                throw new ArgumentException($"BreakoutFrames.WritePng: mark {k} is at ({row}, {column}), outside the {MiniBreakout.Rows} × {MiniBreakout.Columns} grid.", nameof(marks));
            }
        }
    }

    private static void DrawTile(SKCanvas canvas, bool[,,] s, float left, float top, int cell)
    {
        using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
        for (int r = 0; r < MiniBreakout.Rows; r++)
        {
            for (int c = 0; c < MiniBreakout.Columns; c++)
            {
                fill.Color = CellColor(s, r, c);
                canvas.DrawRect(left + (c * cell), top + (r * cell), cell, cell, fill);
            }
        }

        using var brickEdge = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false, Color = BrickEdgeColor };
        for (int r = 0; r < MiniBreakout.Rows; r++)
        {
            for (int c = 0; c < MiniBreakout.Columns; c++)
            {
                if (CellColor(s, r, c) == BrickColor)
                {
                    canvas.DrawRect(left + (c * cell) + 0.5f, top + (r * cell) + 0.5f, cell - 1, cell - 1, brickEdge);
                }
            }
        }

        // translucent black so the lines show on white cells and on coloured ones alike, without dominating either
        using var grid = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false, Color = new SKColor(0, 0, 0, 40) };
        for (int c = 0; c <= MiniBreakout.Columns; c++)
        {
            float x = left + (c * cell) + 0.5f;
            canvas.DrawLine(x, top, x, top + (MiniBreakout.Rows * cell), grid);
        }

        for (int r = 0; r <= MiniBreakout.Rows; r++)
        {
            float y = top + (r * cell) + 0.5f;
            canvas.DrawLine(left, y, left + (MiniBreakout.Columns * cell), y, grid);
        }

        // scanned rather than MiniBreakout.FindBall so a predicted state with two balls, or a ball without a direction, still shows what it holds
        for (int r = 0; r < MiniBreakout.Rows; r++)
        {
            for (int c = 0; c < MiniBreakout.Columns; c++)
            {
                if (s[MiniBreakout.Ball, r, c])
                {
                    DrawBall(canvas, s, r, c, left + ((c + 0.5f) * cell), top + ((r + 0.5f) * cell), cell);
                }
            }
        }
    }

    private static SKColor CellColor(bool[,,] s, int r, int c) =>
        s[MiniBreakout.Wall, r, c] ? WallColor
        : s[MiniBreakout.Brick, r, c] ? BrickColor
        : s[MiniBreakout.Paddle, r, c] ? PaddleColor
        : s[MiniBreakout.Floor, r, c] ? FloorColor
        : EmptyColor;

    private static void DrawBall(SKCanvas canvas, bool[,,] s, int r, int c, float x, float y, int cell)
    {
        float stroke = Math.Max(1.5f, cell * 0.12f);
        using var outline = new SKPaint { Style = SKPaintStyle.Stroke, IsAntialias = true, Color = SKColors.White, StrokeWidth = stroke + 2, StrokeCap = SKStrokeCap.Round };
        using var ink = new SKPaint { Style = SKPaintStyle.Stroke, IsAntialias = true, Color = BallColor, StrokeWidth = stroke, StrokeCap = SKStrokeCap.Round };
        using var disc = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = true, Color = BallColor };
        using var halo = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = true, Color = SKColors.White };
        float radius = cell * 0.3f;
        foreach (var (attribute, dr, dc) in MiniBreakout.Directions)
        {
            if (s[attribute, r, c])
            {
                // the arrow reaches into the cell the ball moves to next, so the heading reads without a legend;
                // a white outline keeps it visible where it crosses a wall, a brick or the paddle
                using var arrow = Arrow(x, y, dc, dr, cell);
                canvas.DrawPath(arrow, outline);
                canvas.DrawPath(arrow, ink);
            }
        }

        canvas.DrawCircle(x, y, radius + 1, halo);
        canvas.DrawCircle(x, y, radius, disc);
    }

    /// <summary>A line from the ball's centre along (right, down) with a two-stroke head at its tip.</summary>
    private static SKPath Arrow(float x, float y, int right, int down, int cell)
    {
        float length = cell * 0.85f, head = cell * 0.3f;
        float ux = right / MathF.Sqrt(2), uy = down / MathF.Sqrt(2);
        float tipX = x + (ux * length), tipY = y + (uy * length);
        var path = new SKPath();
        path.MoveTo(x, y);
        path.LineTo(tipX, tipY);
        foreach (float angle in new[] { 0.6f, -0.6f })
        {
            // the head's strokes point back from the tip, turned either side of the shaft
            float bx = -((ux * MathF.Cos(angle)) - (uy * MathF.Sin(angle)));
            float by = -((ux * MathF.Sin(angle)) + (uy * MathF.Cos(angle)));
            path.MoveTo(tipX, tipY);
            path.LineTo(tipX + (bx * head), tipY + (by * head));
        }

        return path;
    }

    private static void DrawMark(SKCanvas canvas, float x, float y, int cell)
    {
        using var ring = new SKPaint { Style = SKPaintStyle.Stroke, IsAntialias = true, Color = MarkColor, StrokeWidth = Math.Max(1.5f, cell * 0.12f) };
        canvas.DrawCircle(x, y, cell * 0.4f, ring);
    }

    private static SKFont CaptionFont()
    {
        // the default typeface is enough; where it has no glyphs (no fonts found) captions come out blank rather than failing the picture
        return new SKFont(SKTypeface.Default, CaptionFontSize) { Edging = SKFontEdging.Antialias };
    }

    private static void DrawCaption(SKCanvas canvas, SKFont font, string text, float left, float top, float width)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = new SKColor(0x20, 0x20, 0x20) };
        float size = font.Size;
        float measured = font.MeasureText(text, paint);
        if (measured > width)
        {
            // a long caption shrinks to the tile's width instead of running into the next tile
            font.Size = size * width / measured;
        }

        float baseline = top + ((CaptionHeight + font.Size) / 2) - 1;
        canvas.DrawText(text, left + (width / 2), baseline, SKTextAlign.Center, font, paint);
        font.Size = size;
    }
}
