namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>
/// How one MiniBreakout episode ended: <paramref name="Success"/> when every brick was cleared or the ball was
/// still in play after the step budget; <paramref name="Steps"/> taken, <paramref name="Bricks"/> destroyed,
/// and whether the ball was <paramref name="Missed"/> (entered the floor).
/// </summary>
internal sealed record EpisodeOutcome(bool Success, int Steps, int Bricks, bool Missed);
