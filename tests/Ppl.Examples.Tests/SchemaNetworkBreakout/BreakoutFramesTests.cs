using Ppl.Examples.SchemaNetworkBreakout;
using SkiaSharp;
using Xunit.Abstractions;

namespace Ppl.Tests.Examples.SchemaNetworkBreakout;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class BreakoutFramesTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ppl-breakout-frames-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void ThreeFramesDrawTheBallAndTheBricksInAGridOfTheComputedSize()
    {
        var s0 = MiniBreakout.Reset(BreakoutLayout.Standard, new Random(0));
        var s1 = MiniBreakout.Step(s0, MiniBreakout.Right).Next;
        var s2 = MiniBreakout.Step(s1, MiniBreakout.Left).Next;
        string path = Path.Combine(_out, "sub", "frames.png");
        const int columns = 2, cell = 16;
        BreakoutFrames.WritePng(path, [s0, s1, s2], ["t=0", "t=1 right", "t=2 left"], columns, cell);

        using var bitmap = SKBitmap.Decode(path);
        int tileWidth = MiniBreakout.Columns * cell, tileHeight = MiniBreakout.Rows * cell;
        Assert.Equal(BreakoutFrames.Padding + (columns * (tileWidth + BreakoutFrames.Padding)), bitmap.Width);
        Assert.Equal(BreakoutFrames.Padding + (2 * (tileHeight + BreakoutFrames.CaptionHeight + BreakoutFrames.Padding)), bitmap.Height);

        var (row, column, _) = MiniBreakout.FindBall(s0) ?? throw new InvalidOperationException("the reset state has a ball");
        var ball = bitmap.GetPixel(BreakoutFrames.Padding + (column * cell) + (cell / 2), BreakoutFrames.Padding + (row * cell) + (cell / 2));
        log.WriteLine($"ball at ({row}, {column}) drawn as {ball}");
        Assert.True(ball.Red < 60 && ball.Green < 60 && ball.Blue < 60, $"the ball's cell centre is {ball}, not dark");

        var brick = bitmap.GetPixel(BreakoutFrames.Padding + (3 * cell) + (cell / 2), BreakoutFrames.Padding + (MiniBreakout.BrickRow * cell) + (cell / 2));
        Assert.Equal(BreakoutFrames.BrickColor, brick);
    }

    [Fact]
    public void AnEpisodeWithGhostMarksRenders()
    {
        var random = new Random(1);
        var s = MiniBreakout.Reset(BreakoutLayout.Standard, random);
        var frames = new List<bool[,,]>();
        var captions = new List<string>();
        var marks = new List<(int Row, int Column)?>();
        for (int t = 0; t < 12; t++)
        {
            int action = random.Next(3);
            frames.Add(s);
            captions.Add(FormattableString.Invariant($"t={t} {MiniBreakout.Actions[action]}"));

            // a stand-in ghost (a counterfactual would supply its own): where the ball will be two steps on
            var ahead = MiniBreakout.FindBall(MiniBreakout.Step(MiniBreakout.Step(s, action).Next, action).Next);
            marks.Add(ahead is var (r, c, _) ? (r, c) : null);
            var (next, _, done) = MiniBreakout.Step(s, action);
            s = next;
            if (done)
            {
                break;
            }
        }

        string path = Path.Combine(_out, "episode.png");
        BreakoutFrames.WritePng(path, frames, captions, marks: marks);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(BreakoutFrames.Padding + (Math.Min(6, frames.Count) * ((MiniBreakout.Columns * 16) + BreakoutFrames.Padding)), bitmap.Width);
    }

    [Fact]
    public void BadInputsAreRejectedWithTheShapes()
    {
        string path = Path.Combine(_out, "bad.png");
        var wrong = Assert.Throws<ArgumentException>(() => BreakoutFrames.WritePng(path, [new bool[3, MiniBreakout.Rows, MiniBreakout.Columns]]));
        Assert.Contains("BreakoutFrames.WritePng", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 10, 12]", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BreakoutFrames.WritePng(path, []));
        var s = MiniBreakout.Reset(BreakoutLayout.Standard, new Random(0));
        Assert.Throws<ArgumentException>(() => BreakoutFrames.WritePng(path, [s, s], ["only one"]));
        Assert.Throws<ArgumentException>(() => BreakoutFrames.WritePng(path, [s], marks: [(MiniBreakout.Rows, 0)]));
        Assert.False(File.Exists(path));
    }
}
