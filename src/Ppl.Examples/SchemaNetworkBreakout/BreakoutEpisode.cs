namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>Plays MiniBreakout episodes under a policy, for comparing policies across layouts.</summary>
internal static class BreakoutEpisode
{
    /// <summary>
    /// One episode from <see cref="MiniBreakout.Reset"/>, at most <paramref name="maxSteps"/> steps. It succeeds
    /// when every brick is cleared, or when the ball is still in play after the last step: with the budget
    /// spent, keeping the ball is the part of the task a policy can be judged on.
    /// </summary>
    public static EpisodeOutcome Play(BreakoutLayout layout, Func<bool[,,], int> policy, Random random, int maxSteps = 200)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(random);
        var state = MiniBreakout.Reset(layout, random);
        int bricks = 0;
        bool missed = false;
        int steps = 0;
        bool done = false;
        while (!done && steps < maxSteps)
        {
            (state, var rewards, done) = MiniBreakout.Step(state, policy(state));
            steps++;
            bricks += rewards[MiniBreakout.BrickReward] ? 1 : 0;
            missed |= rewards[MiniBreakout.MissReward];
        }

        bool cleared = MiniBreakout.BricksLeft(state) == 0;
        bool inPlay = !missed && MiniBreakout.FindBall(state) is not null;
        return new EpisodeOutcome(cleared || (inPlay && steps == maxSteps), steps, bricks, missed);
    }

    /// <summary>The fraction of <paramref name="episodes"/> episodes that succeed, the starts drawn from <paramref name="seed"/>.</summary>
    public static double SuccessRate(BreakoutLayout layout, Func<bool[,,], int> policy, int episodes, int seed, int maxSteps = 200)
    {
        var random = new Random(seed);
        int successes = 0;
        for (int e = 0; e < episodes; e++)
        {
            successes += Play(layout, policy, random, maxSteps).Success ? 1 : 0;
        }

        return (double)successes / episodes;
    }
}
