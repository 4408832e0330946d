using Ppl.Examples.SchemaNetworkBreakout;
using Xunit.Abstractions;

namespace Ppl.Tests.Examples.SchemaNetworkBreakout;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class BreakoutQLearnerTests(ITestOutputHelper log)
{
    private const int Episodes = 50;

    [Fact]
    public void TrackingTheBallSucceedsWhereRandomPlayFails()
    {
        var random = new Random(11);
        double tracker = BreakoutEpisode.SuccessRate(BreakoutLayout.Standard, Tracker, Episodes, seed: 1);
        double uniform = BreakoutEpisode.SuccessRate(BreakoutLayout.Standard, _ => random.Next(MiniBreakout.Actions.Count), Episodes, seed: 1);
        log.WriteLine($"standard layout, {Episodes} episodes: tracker {tracker:P0}, random {uniform:P0}");
        Assert.True(tracker >= 0.8, $"tracker {tracker:P0}");
        Assert.True(uniform <= 0.5, $"random {uniform:P0}");
    }

    [Fact]
    public void QLearningOnTheStandardLayoutBeatsRandomPlayThere()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var learner = BreakoutQLearner.Train(BreakoutLayout.Standard, episodes: 5000, seed: 2);
        log.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s, {learner.VisitedStates} states visited");
        var random = new Random(11);
        double learned = BreakoutEpisode.SuccessRate(BreakoutLayout.Standard, learner.Act, Episodes, seed: 1);
        double uniform = BreakoutEpisode.SuccessRate(BreakoutLayout.Standard, _ => random.Next(MiniBreakout.Actions.Count), Episodes, seed: 1);
        log.WriteLine($"standard layout, {Episodes} episodes: Q-learner {learned:P0}, random {uniform:P0}");
        Assert.True(learned >= uniform + 0.3, $"Q-learner {learned:P0} vs random {uniform:P0}");
    }

    [Fact]
    public void AQLearnerOnTheFullObservationLearnsTheStandardLayoutAndNothingOfTheVariants()
    {
        var learner = BreakoutQLearner.Train(BreakoutLayout.Standard, episodes: 20000, seed: 3, view: QLearnerView.FullObservation);
        double standard = BreakoutEpisode.SuccessRate(BreakoutLayout.Standard, learner.Act, Episodes, seed: 5);
        double offset = BreakoutEpisode.SuccessRate(BreakoutLayout.OffsetPaddle, learner.Act, Episodes, seed: 5);
        double wall = BreakoutEpisode.SuccessRate(BreakoutLayout.MiddleWall, learner.Act, Episodes, seed: 5);
        log.WriteLine($"{learner.VisitedStates} states; success: standard {standard:P0}, offset paddle {offset:P0}, middle wall {wall:P0}");

        // every state of a variant is one it never saw, so it stays put: what staying put achieves
        double stay = BreakoutEpisode.SuccessRate(BreakoutLayout.OffsetPaddle, _ => MiniBreakout.Stay, Episodes, seed: 5);
        Assert.True(standard >= 0.5, $"standard {standard:P0}");
        Assert.Equal(stay, offset);
        Assert.True(offset <= 0.15 && wall <= 0.15, $"offset paddle {offset:P0}, middle wall {wall:P0}");
    }

    [Fact]
    public void OutcomesStayWithinTheBudgetAndAMissIsNoSuccess()
    {
        var random = new Random(3);
        int missed = 0;
        for (int e = 0; e < Episodes; e++)
        {
            var outcome = BreakoutEpisode.Play(BreakoutLayout.Standard, _ => random.Next(MiniBreakout.Actions.Count), random, maxSteps: 60);
            Assert.InRange(outcome.Steps, 1, 60);
            Assert.InRange(outcome.Bricks, 0, MiniBreakout.Columns - 2);
            if (outcome.Missed)
            {
                missed++;
                Assert.False(outcome.Success);
            }
        }

        // The check above is vacuous unless some episode missed.
        log.WriteLine($"random policy missed {missed} of {Episodes} episodes");
        Assert.True(missed > 0, "the random policy never missed, so the miss path went unchecked");
    }

    /// <summary>Moves the paddle's middle cell towards the ball's column: a hand-written policy that keeps the ball in play.</summary>
    private static int Tracker(bool[,,] state)
    {
        if (MiniBreakout.FindBall(state) is not var (_, column, _))
        {
            return MiniBreakout.Stay;
        }

        int middle = MiniBreakout.FindPaddle(state).Column + (MiniBreakout.PaddleWidth / 2);
        return column < middle ? MiniBreakout.Left : column > middle ? MiniBreakout.Right : MiniBreakout.Stay;
    }
}
