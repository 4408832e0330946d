namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>
/// The model-free baseline of Kansky et al. (2017): tabular Q-learning on MiniBreakout. It learns which action
/// pays in which (ball, paddle) configuration of the layout it trains on, with no model of why: its timing is
/// wrong where the paddle runs a row higher, and positions it never trained on (next to a new wall) fall back
/// to staying put.
/// </summary>
internal sealed class BreakoutQLearner
{
    private const double LearningRate = 0.1;
    private const double Discount = 0.97;
    private const double FinalExploration = 0.05;

    private static readonly int Actions = MiniBreakout.Actions.Count;

    /// <summary>
    /// The key is (ball row, ball column, ball direction, paddle leftmost column). The paddle's row is left out
    /// because it never changes within a layout; the bricks are left out because their 2¹⁰ patterns would
    /// multiply the table beyond what a few thousand episodes visit, and the task measured is keeping the
    /// ball in play, which the bricks barely affect.
    /// </summary>
    private static readonly int Keys = MiniBreakout.Rows * MiniBreakout.Columns * MiniBreakout.Directions.Count * MiniBreakout.Columns;

    private readonly double[] q = new double[Keys * Actions];
    private readonly bool[] visited = new bool[Keys];

    private BreakoutQLearner()
    {
    }

    /// <summary>How many keys training updated at least once.</summary>
    public int VisitedStates => visited.Count(v => v);

    /// <summary>
    /// Trains on <paramref name="episodes"/> episodes of <paramref name="layout"/> from <see cref="MiniBreakout.Reset"/>,
    /// ε-greedy with ε falling linearly from 1 to 0.05, learning rate 0.1, discount 0.97, and the environment's
    /// rewards (+1 per brick, −1 for a miss).
    /// </summary>
    public static BreakoutQLearner Train(BreakoutLayout layout, int episodes, int seed, int maxSteps = 200)
    {
        var learner = new BreakoutQLearner();
        var random = new Random(seed);
        for (int e = 0; e < episodes; e++)
        {
            double exploration = 1 - ((1 - FinalExploration) * e / Math.Max(1, episodes - 1));
            var state = MiniBreakout.Reset(layout, random);
            for (int step = 0; step < maxSteps; step++)
            {
                if (Key(state) is not int key)
                {
                    break;
                }

                int action = random.NextDouble() < exploration ? random.Next(Actions) : learner.Greedy(key);
                var (next, rewards, done) = MiniBreakout.Step(state, action);
                double reward = (rewards[MiniBreakout.BrickReward] ? 1 : 0) - (rewards[MiniBreakout.MissReward] ? 1 : 0);

                // An episode cut off by the step budget is not terminal: the ball is still in play, so bootstrap.
                double target = reward;
                if (!done && Key(next) is int nextKey)
                {
                    target += Discount * learner.q[(nextKey * Actions) + learner.Greedy(nextKey)];
                }

                ref double value = ref learner.q[(key * Actions) + action];
                value += LearningRate * (target - value);
                learner.visited[key] = true;
                if (done)
                {
                    break;
                }

                state = next;
            }
        }

        return learner;
    }

    /// <summary>The greedy action; stay in a state without a ball (the episode is over) or one never trained on.</summary>
    public int Act(bool[,,] state) => Key(state) is int key ? Greedy(key) : MiniBreakout.Stay;

    /// <summary>The best action of a key, ties going to stay and then to the lowest index so that play is deterministic.</summary>
    private int Greedy(int key)
    {
        int offset = key * Actions;
        int best = MiniBreakout.Stay;
        for (int a = 0; a < Actions; a++)
        {
            if (q[offset + a] > q[offset + best])
            {
                best = a;
            }
        }

        return best;
    }

    /// <summary>The table key of a state, or null when it has no ball.</summary>
    private static int? Key(bool[,,] state)
    {
        if (MiniBreakout.FindBall(state) is not var (row, column, direction))
        {
            return null;
        }

        int paddle = MiniBreakout.FindPaddle(state).Column;
        return (((((row * MiniBreakout.Columns) + column) * MiniBreakout.Directions.Count) + direction) * MiniBreakout.Columns) + paddle;
    }
}
