namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>
/// MiniBreakout on a 10 × 12 grid (walls on top and both sides, a row of bricks below a free row, the
/// paddle on the bottom row, which is floor), written as an object-oriented MDP: every cell is an entity with the binary
/// attributes of <see cref="Attributes"/>. The ball moves one cell diagonally per step. Its three cells ahead —
/// vertical (dr, 0), horizontal (0, dc) and diagonal (dr, dc) — decide: if none is solid it moves to the
/// diagonal one; otherwise it stays and turns back vertically (vertical solid), horizontally (horizontal
/// solid) or both (both solid, or only the diagonal one). A brick it bounces off is destroyed (+1); entering a
/// floor cell (the bottom row) is a miss (−1) and ends the episode, as does clearing every brick. The paddle
/// (3 cells) moves one cell left or right unless a wall is in the way. Everything is decided from the state
/// before the step, so each rule reads a neighbourhood of one state.
/// </summary>
internal sealed class MiniBreakout
{
    public const int Rows = 10;
    public const int Columns = 12;
    public const int PaddleWidth = 3;

    /// <summary>The bricks' row: one free row above them lets the ball get behind the bricks, as in Breakout.</summary>
    public const int BrickRow = 2;

    public const int Wall = 0, Brick = 1, Paddle = 2, Solid = 3, Floor = 4, Ball = 5, NorthEast = 6, NorthWest = 7, SouthEast = 8, SouthWest = 9;

    public const int Left = 0, Stay = 1, Right = 2;

    public const int BrickReward = 0, MissReward = 1;

    public static IReadOnlyList<string> Attributes { get; } = ["wall", "brick", "paddle", "solid", "floor", "ball", "ball↗", "ball↖", "ball↘", "ball↙"];

    public static IReadOnlyList<string> Actions { get; } = ["left", "stay", "right"];

    public static IReadOnlyList<string> Rewards { get; } = ["brick", "miss"];

    /// <summary>The direction attributes with their (row, column) steps.</summary>
    public static IReadOnlyList<(int Attribute, int Down, int Right)> Directions { get; } =
        [(NorthEast, -1, 1), (NorthWest, -1, -1), (SouthEast, 1, 1), (SouthWest, 1, -1)];

    public static int DirectionAttribute(int down, int right) => Directions.Single(d => d.Down == down && d.Right == right).Attribute;

    /// <summary>The row the paddle moves along in a layout.</summary>
    public static int PaddleRow(BreakoutLayout layout) => layout == BreakoutLayout.OffsetPaddle ? Rows - 2 : Rows - 1;

    /// <summary>
    /// A starting state: every brick, the paddle centred, the ball two rows above the paddle in a random column,
    /// heading up-left or up-right. With <paramref name="scrambled"/> (the random-policy data), bricks are each
    /// missing with probability ¼ and the ball and paddle are anywhere, heading anywhere.
    /// </summary>
    public static bool[,,] Reset(BreakoutLayout layout, Random random, bool scrambled = false)
    {
        var s = new bool[Attributes.Count, Rows, Columns];
        for (int c = 0; c < Columns; c++)
        {
            Set(s, Wall, 0, c);
        }

        for (int r = 0; r < Rows; r++)
        {
            Set(s, Wall, r, 0);
            Set(s, Wall, r, Columns - 1);
        }

        if (layout == BreakoutLayout.MiddleWall)
        {
            Set(s, Wall, 5, 5);
            Set(s, Wall, 5, 6);
        }

        for (int c = 1; c < Columns - 1; c++)
        {
            s[Floor, Rows - 1, c] = true;
            if (!scrambled || random.NextDouble() < 0.75)
            {
                Set(s, Brick, BrickRow, c);
            }
        }

        int paddleRow = PaddleRow(layout);
        int paddleLeft = scrambled ? random.Next(1, Columns - PaddleWidth) : (Columns - PaddleWidth) / 2;
        for (int c = paddleLeft; c < paddleLeft + PaddleWidth; c++)
        {
            Set(s, Paddle, paddleRow, c);
        }

        while (true)
        {
            int row = scrambled ? random.Next(1, paddleRow) : paddleRow - 2;
            int column = random.Next(1, Columns - 1);
            if (s[Solid, row, column])
            {
                continue;
            }

            var (attribute, _, _) = Directions[scrambled ? random.Next(4) : random.Next(2)];
            s[Ball, row, column] = true;
            s[attribute, row, column] = true;
            return s;
        }
    }

    /// <summary>One step: the next state, the rewards [brick, miss] and whether the episode ended.</summary>
    public static (bool[,,] Next, bool[] Rewards, bool Done) Step(bool[,,] s, int action)
    {
        var next = (bool[,,])s.Clone();
        var rewards = new bool[Rewards.Count];
        MovePaddle(s, next, action);
        if (FindBall(s) is var (row, column, direction))
        {
            var (attribute, dr, dc) = Directions[direction];
            next[Ball, row, column] = false;
            next[attribute, row, column] = false;
            bool vertical = SolidAt(s, row + dr, column);
            bool horizontal = SolidAt(s, row, column + dc);
            bool diagonal = SolidAt(s, row + dr, column + dc);
            if (!vertical && !horizontal && !diagonal)
            {
                if (Inside(row + dr, column + dc))
                {
                    next[Ball, row + dr, column + dc] = true;
                    next[attribute, row + dr, column + dc] = true;
                    rewards[MissReward] = s[Floor, row + dr, column + dc];
                }
            }
            else
            {
                int newDown = vertical || !horizontal ? -dr : dr;
                int newRight = horizontal || !vertical ? -dc : dc;
                next[Ball, row, column] = true;
                next[DirectionAttribute(newDown, newRight), row, column] = true;
                if (vertical)
                {
                    rewards[BrickReward] |= Break(s, next, row + dr, column);
                }

                if (horizontal)
                {
                    rewards[BrickReward] |= Break(s, next, row, column + dc);
                }

                if (!vertical && !horizontal)
                {
                    rewards[BrickReward] |= Break(s, next, row + dr, column + dc);
                }
            }
        }

        bool bricksLeft = false;
        for (int c = 0; c < Columns && !bricksLeft; c++)
        {
            for (int r = 0; r < Rows && !bricksLeft; r++)
            {
                bricksLeft = next[Brick, r, c];
            }
        }

        return (next, rewards, rewards[MissReward] || !bricksLeft || FindBall(next) is null);
    }

    public static (int Row, int Column, int Direction)? FindBall(bool[,,] s)
    {
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                if (s[Ball, r, c])
                {
                    for (int d = 0; d < Directions.Count; d++)
                    {
                        if (s[Directions[d].Attribute, r, c])
                        {
                            return (r, c, d);
                        }
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The leftmost paddle cell (row, column).</summary>
    public static (int Row, int Column) FindPaddle(bool[,,] s)
    {
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                if (s[Paddle, r, c])
                {
                    return (r, c);
                }
            }
        }

        throw new InvalidOperationException("MiniBreakout: the state has no paddle.");
    }

    public static int BricksLeft(bool[,,] s)
    {
        int count = 0;
        for (int c = 0; c < Columns; c++)
        {
            for (int r = 0; r < Rows; r++)
            {
                count += s[Brick, r, c] ? 1 : 0;
            }
        }

        return count;
    }

    private static void MovePaddle(bool[,,] s, bool[,,] next, int action)
    {
        if (action == Stay)
        {
            return;
        }

        var (row, left) = FindPaddle(s);
        int right = left + PaddleWidth - 1;
        if (action == Left && !s[Wall, row, left - 1])
        {
            Set(next, Paddle, row, left - 1);
            Clear(next, Paddle, row, right);
        }
        else if (action == Right && !s[Wall, row, right + 1])
        {
            Set(next, Paddle, row, right + 1);
            Clear(next, Paddle, row, left);
        }
    }

    private static bool Break(bool[,,] s, bool[,,] next, int row, int column)
    {
        if (!Inside(row, column) || !s[Brick, row, column])
        {
            return false;
        }

        Clear(next, Brick, row, column);
        return true;
    }

    private static bool SolidAt(bool[,,] s, int row, int column) => Inside(row, column) && s[Solid, row, column];

    private static bool Inside(int row, int column) => row >= 0 && row < Rows && column >= 0 && column < Columns;

    private static void Set(bool[,,] s, int attribute, int row, int column)
    {
        s[attribute, row, column] = true;
        s[Solid, row, column] = true;
    }

    /// <summary>Clears a solid attribute (a brick, a paddle cell); the cell stays solid only if a wall is there.</summary>
    private static void Clear(bool[,,] s, int attribute, int row, int column)
    {
        s[attribute, row, column] = false;
        s[Solid, row, column] = s[Wall, row, column] || s[Brick, row, column] || s[Paddle, row, column];
    }
}
