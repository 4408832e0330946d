namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>The arrangements of MiniBreakout: the standard one the model learns on and the two zero-shot variants.</summary>
internal enum BreakoutLayout
{
    /// <summary>Walls on three sides, a row of ten bricks one row below the top wall, the paddle on the bottom row.</summary>
    Standard,

    /// <summary>As standard, but the paddle moves one row higher; a ball that passes it still falls to the bottom row.</summary>
    OffsetPaddle,

    /// <summary>As standard, with a two-cell wall segment in the middle of the field.</summary>
    MiddleWall,
}
