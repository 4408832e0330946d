using Ppl.Causal.SchemaNetworks;
using static Ppl.Examples.SchemaNetworkBreakout.MiniBreakout;

namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>MiniBreakout's physics written by hand as ungrounded schemas: the yardstick for the learned set.</summary>
internal static class HandWrittenSchemas
{
    public static IReadOnlyList<UngroundedSchema> All { get; } = Build();

    private static List<UngroundedSchema> Build()
    {
        var schemas = new List<UngroundedSchema>();
        foreach (var (direction, dr, dc) in Directions)
        {
            // the ball arrives diagonally when the three cells ahead of its old cell were free
            Precondition[] arrives = [On(direction, -dr, -dc), Off(Solid, 0, -dc), Off(Solid, -dr, 0), Off(Solid, 0, 0)];
            schemas.Add(new(SchemaEffect.TurnsOn, Ball, arrives));
            schemas.Add(new(SchemaEffect.TurnsOn, direction, arrives));
            if (dr > 0)
            {
                schemas.Add(new(SchemaEffect.Reward, MissReward, [.. arrives, On(Floor, 0, 0)]));
            }

            // and leaves its cell then; its heading there ends either way (it leaves or turns)
            schemas.Add(new(SchemaEffect.TurnsOff, Ball, [On(direction, 0, 0), Off(Solid, dr, 0), Off(Solid, 0, dc), Off(Solid, dr, dc)]));
            schemas.Add(new(SchemaEffect.TurnsOff, direction, [On(direction, 0, 0)]));

            // bounces: vertical, horizontal, both sides, and the corner alone
            schemas.Add(new(SchemaEffect.TurnsOn, DirectionAttribute(-dr, dc), [On(direction, 0, 0), On(Solid, dr, 0), Off(Solid, 0, dc)]));
            schemas.Add(new(SchemaEffect.TurnsOn, DirectionAttribute(dr, -dc), [On(direction, 0, 0), On(Solid, 0, dc), Off(Solid, dr, 0)]));
            schemas.Add(new(SchemaEffect.TurnsOn, DirectionAttribute(-dr, -dc), [On(direction, 0, 0), On(Solid, dr, 0), On(Solid, 0, dc)]));
            schemas.Add(new(SchemaEffect.TurnsOn, DirectionAttribute(-dr, -dc), [On(direction, 0, 0), Off(Solid, dr, 0), Off(Solid, 0, dc), On(Solid, dr, dc)]));

            // a brick the ball bounces off breaks: hit from its vertical, horizontal or (alone) diagonal cell
            Precondition[][] hits =
            [
                [On(direction, -dr, 0), On(Brick, 0, 0)],
                [On(direction, 0, -dc), On(Brick, 0, 0)],
                [On(direction, -dr, -dc), Off(Solid, 0, -dc), Off(Solid, -dr, 0), On(Brick, 0, 0)],
            ];
            foreach (var hit in hits)
            {
                schemas.Add(new(SchemaEffect.TurnsOff, Brick, hit));
                schemas.Add(new(SchemaEffect.TurnsOff, Solid, hit));
                schemas.Add(new(SchemaEffect.Reward, BrickReward, hit));
            }
        }

        // the paddle grows at its leading edge and shrinks at its trailing edge unless a wall blocks it
        foreach (var (action, step) in new[] { (MiniBreakout.Left, -1), (MiniBreakout.Right, 1) })
        {
            foreach (int attribute in new[] { Paddle, Solid })
            {
                schemas.Add(new(SchemaEffect.TurnsOn, attribute, [On(Paddle, 0, -step), Off(Wall, 0, 0)], action));
                schemas.Add(new(SchemaEffect.TurnsOff, attribute, [On(Paddle, 0, 0), Off(Paddle, 0, -step), Off(Wall, 0, step * PaddleWidth)], action));
            }
        }

        return schemas;
    }

    private static Precondition On(int attribute, int rows, int columns) => new(rows, columns, attribute, true);

    private static Precondition Off(int attribute, int rows, int columns) => new(rows, columns, attribute, false);
}
