namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>
/// The model-free baseline of Kansky et al. (2017): tabular Q-learning on MiniBreakout. It learns which action
/// pays in which configuration of the layout it trains on, with no model of why. Keyed by the whole
/// observation (<see cref="QLearnerView.FullObservation"/>) every state of another layout is new to it; keyed
/// by hand-picked features (<see cref="QLearnerView.BallAndPaddle"/>) it carries over as far as those
/// features mean the same thing there: its timing is wrong where the paddle runs a row higher, and positions
/// it never trained on (next to a new wall) fall back to staying put.
/// </summary>
internal sealed class BreakoutQLearner
{
    private const double LearningRate = 0.1;
    private const double Discount = 0.97;
    private const double FinalExploration = 0.05;

    private static readonly int Actions = MiniBreakout.Actions.Count;

    private readonly Dictionary<string, double[]> _q = new(StringComparer.Ordinal);
    private readonly QLearnerView _view;

    private BreakoutQLearner(QLearnerView view) => _view = view;

    /// <summary>How many keys training updated at least once.</summary>
    public int VisitedStates => _q.Count;

    /// <summary>
    /// Trains on <paramref name="episodes"/> episodes of <paramref name="layout"/> from <see cref="MiniBreakout.Reset"/>,
    /// ε-greedy with ε falling linearly from 1 to 0.05, learning rate 0.1, discount 0.97, and the environment's
    /// rewards (+1 per brick, −1 for a miss).
    /// </summary>
    public static BreakoutQLearner Train(BreakoutLayout layout, int episodes, int seed, int maxSteps = 200, QLearnerView view = QLearnerView.BallAndPaddle)
    {
        var learner = new BreakoutQLearner(view);
        var random = new Random(seed);
        for (int e = 0; e < episodes; e++)
        {
            double exploration = 1 - ((1 - FinalExploration) * e / Math.Max(1, episodes - 1));
            var state = MiniBreakout.Reset(layout, random);
            string? key = learner.Key(state);
            for (int step = 0; step < maxSteps && key is not null; step++)
            {
                int action = random.NextDouble() < exploration ? random.Next(Actions) : learner.Greedy(key);
                var (next, rewards, done) = MiniBreakout.Step(state, action);
                double reward = (rewards[MiniBreakout.BrickReward] ? 1 : 0) - (rewards[MiniBreakout.MissReward] ? 1 : 0);

                // An episode cut off by the step budget is not terminal: the ball is still in play, so bootstrap.
                string? nextKey = done ? null : learner.Key(next);
                double target = reward;
                if (nextKey is not null && learner._q.TryGetValue(nextKey, out var nextValues))
                {
                    target += Discount * nextValues[learner.Greedy(nextKey)];
                }

                if (!learner._q.TryGetValue(key, out var values))
                {
                    values = new double[Actions];
                    learner._q[key] = values;
                }

                values[action] += LearningRate * (target - values[action]);
                (state, key) = (next, nextKey);
            }
        }

        return learner;
    }

    /// <summary>The greedy action; stay in a state without a ball (the episode is over) or one never trained on.</summary>
    public int Act(bool[,,] state) => Key(state) is string key ? Greedy(key) : MiniBreakout.Stay;

    /// <summary>The best action of a key, ties going to stay and then to the lowest index so that play is deterministic.</summary>
    private int Greedy(string key)
    {
        if (!_q.TryGetValue(key, out var values))
        {
            return MiniBreakout.Stay;
        }

        int best = MiniBreakout.Stay;
        for (int a = 0; a < Actions; a++)
        {
            if (values[a] > values[best])
            {
                best = a;
            }
        }

        return best;
    }

    /// <summary>The table key of a state, or null when it has no ball.</summary>
    private string? Key(bool[,,] state)
    {
        if (MiniBreakout.FindBall(state) is not var (row, column, direction))
        {
            return null;
        }

        if (_view == QLearnerView.BallAndPaddle)
        {
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{row},{column},{direction},{MiniBreakout.FindPaddle(state).Column}");
        }

        var bits = new byte[(state.Length + 7) / 8];
        int i = 0;
        foreach (bool value in state)
        {
            if (value)
            {
                bits[i / 8] |= (byte)(1 << (i % 8));
            }

            i++;
        }

        return Convert.ToBase64String(bits);
    }
}
