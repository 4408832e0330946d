namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>What the tabular Q-learner's table is keyed by.</summary>
internal enum QLearnerView
{
    /// <summary>Hand-picked features: the ball's row, column and heading and the paddle's column.</summary>
    BallAndPaddle,

    /// <summary>The whole observation, every attribute of every cell, as a model-free learner on the screen sees it.</summary>
    FullObservation,
}
