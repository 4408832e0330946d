namespace Ppl.Examples.CausalVae;

/// <summary>The three dSprites shapes, in the data set's label order.</summary>
public enum SpriteShape
{
    /// <summary>A square: max(|u|, |v|) ≤ 1 in the sprite's own frame.</summary>
    Square = 0,

    /// <summary>An ellipse with axes 1 and 0.5 (so its orientation shows, with period π).</summary>
    Ellipse = 1,

    /// <summary>A heart: the implicit curve (x² + y² − 1)³ − x²y³ ≤ 0, scaled and centred.</summary>
    Heart = 2,
}
