using Ppl.Causal;
using Ppl.Causal.SchemaNetworks;
using static TorchSharp.torch;

namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>
/// Causal questions put to the transition program (<see cref="SchemaNetwork.Rollout"/>) with Ppl's query
/// layer, each next to the answer the environment itself gives when it is run with the change made.
/// </summary>
internal static class BreakoutQueries
{
    /// <summary>
    /// do(brick k gone): P(the ball is missed within <paramref name="steps"/> steps, the agent staying put) with
    /// and without the first brick the ball would hit (a brick is two attributes of its cell, brick and solid,
    /// so both are set): through the gap the ball comes back on another line.
    /// </summary>
    public static (int Brick, CausalEstimate Observed, CausalEstimate Intervened, bool TrueObserved, bool TrueIntervened) RemoveBrick(
        SchemaNetwork network, bool[,,] start, int steps, int draws, long seed)
    {
        var actions = Enumerable.Repeat(MiniBreakout.Stay, steps).ToArray();
        var (hit, _) = FirstBrickHit(start, actions) ?? throw new InvalidOperationException("BreakoutQueries: the ball hits no brick in the horizon; start elsewhere.");
        var without = (bool[,,])start.Clone();
        without[MiniBreakout.Brick, hit.Row, hit.Column] = false;
        without[MiniBreakout.Solid, hit.Row, hit.Column] = false;
        var input = Input(start, actions);
        var miss = SchemaNetwork.ReturnSite("miss");
        var observed = CausalQueries.Interventional<SchemaRolloutInput>(network.Rollout, input, new Dictionary<string, Intervention>(), miss, draws, seed);
        var intervened = CausalQueries.Interventional<SchemaRolloutInput>(network.Rollout, input, Set(without, MiniBreakout.Brick, MiniBreakout.Solid), miss, draws, seed);
        return (BreakoutData.Grid.IndexOf(new Entity(hit.Row, hit.Column)), observed, intervened, Simulate(start, actions).Missed, Simulate(without, actions).Missed);
    }

    /// <summary>
    /// do(paddle at column c): P(the ball is missed within <paramref name="steps"/>
    /// steps) when the agent then stays put, from the model and from the environment.
    /// </summary>
    public static IReadOnlyList<(int Column, CausalEstimate Miss, bool TrueMiss)> MovePaddle(SchemaNetwork network, bool[,,] start, IEnumerable<int> columns, int steps, int draws, long seed)
    {
        var actions = Enumerable.Repeat(MiniBreakout.Stay, steps).ToArray();
        var input = Input(start, actions);
        var result = new List<(int, CausalEstimate, bool)>();
        foreach (int column in columns)
        {
            var moved = WithPaddleAt(start, column);
            var miss = CausalQueries.Interventional<SchemaRolloutInput>(network.Rollout, input, Set(moved, MiniBreakout.Paddle, MiniBreakout.Solid), SchemaNetwork.ReturnSite("miss"), draws, seed);
            result.Add((column, miss, Simulate(moved, actions).Missed));
        }

        return result;
    }

    /// <summary>
    /// The counterfactual "had the paddle been one cell further left, would the ball have been missed?": the
    /// factual rollout (every attribute and reward of every step) is the evidence, the paddle's starting place
    /// the intervention, P(miss) in the counterfactual world the answer (twin worlds sharing every
    /// exogenous draw; Bernoulli sites by Gumbel-max).
    /// </summary>
    public static (CausalEstimate Miss, bool FactualMiss, bool TrueMiss) PaddleOneLeft(SchemaNetwork network, bool[,,] start, IReadOnlyList<int> actions, int draws, long seed)
    {
        var input = Input(start, actions);
        var evidence = new Dictionary<string, Tensor>();
        var state = start;
        for (int t = 0; t < actions.Count; t++)
        {
            var (next, rewards, _) = MiniBreakout.Step(state, actions[t]);
            var planes = BreakoutData.Planes(next);
            for (int a = 0; a < MiniBreakout.Attributes.Count; a++)
            {
                evidence[SchemaNetwork.AttributeSite(MiniBreakout.Attributes[a], t + 1)] = planes[a].flatten();
            }

            for (int r = 0; r < MiniBreakout.Rewards.Count; r++)
            {
                evidence[SchemaNetwork.RewardSite(MiniBreakout.Rewards[r], t + 1)] = tensor(new[] { rewards[r] ? 1f : 0f });
            }

            state = next;
        }

        var moved = WithPaddleAt(start, MiniBreakout.FindPaddle(start).Column - 1);
        var miss = CausalQueries.Counterfactual<SchemaRolloutInput>(network.Rollout, input, evidence, Set(moved, MiniBreakout.Paddle, MiniBreakout.Solid), SchemaNetwork.ReturnSite("miss"), draws, seed);
        return (miss, Simulate(start, actions).Missed, Simulate(moved, actions).Missed);
    }

    /// <summary>The environment run open-loop: bricks broken and whether the ball was missed.</summary>
    public static (int Bricks, bool Missed) Simulate(bool[,,] start, IReadOnlyList<int> actions)
    {
        var state = start;
        int bricks = 0;
        foreach (int action in actions)
        {
            var (next, rewards, done) = MiniBreakout.Step(state, action);
            bricks += rewards[MiniBreakout.BrickReward] ? 1 : 0;
            if (rewards[MiniBreakout.MissReward])
            {
                return (bricks, true);
            }

            state = next;
            if (done)
            {
                break;
            }
        }

        return (bricks, false);
    }

    /// <summary>The cell of the first brick the ball breaks under the actions, and the step.</summary>
    public static ((int Row, int Column) Cell, int Step)? FirstBrickHit(bool[,,] start, IReadOnlyList<int> actions)
    {
        var state = start;
        for (int t = 0; t < actions.Count; t++)
        {
            var (next, rewards, done) = MiniBreakout.Step(state, actions[t]);
            if (rewards[MiniBreakout.BrickReward])
            {
                for (int c = 0; c < MiniBreakout.Columns; c++)
                {
                    if (state[MiniBreakout.Brick, MiniBreakout.BrickRow, c] && !next[MiniBreakout.Brick, MiniBreakout.BrickRow, c])
                    {
                        return ((MiniBreakout.BrickRow, c), t);
                    }
                }
            }

            if (done)
            {
                return null;
            }

            state = next;
        }

        return null;
    }

    /// <summary>The state with the paddle's leftmost cell moved to <paramref name="column"/> on its row.</summary>
    public static bool[,,] WithPaddleAt(bool[,,] start, int column)
    {
        var (row, left) = MiniBreakout.FindPaddle(start);
        var moved = (bool[,,])start.Clone();
        for (int c = left; c < left + MiniBreakout.PaddleWidth; c++)
        {
            moved[MiniBreakout.Paddle, row, c] = false;
            moved[MiniBreakout.Solid, row, c] = moved[MiniBreakout.Wall, row, c] || moved[MiniBreakout.Brick, row, c];
        }

        for (int c = column; c < column + MiniBreakout.PaddleWidth; c++)
        {
            moved[MiniBreakout.Paddle, row, c] = true;
            moved[MiniBreakout.Solid, row, c] = true;
        }

        return moved;
    }

    private static SchemaRolloutInput Input(bool[,,] start, IReadOnlyList<int> actions) =>
        new(BreakoutData.Planes(start), tensor(actions.Select(a => (long)a).ToArray()));

    /// <summary>Interventions setting the starting value of the given attributes to those of <paramref name="state"/>.</summary>
    private static Dictionary<string, Intervention> Set(bool[,,] state, params int[] attributes)
    {
        var planes = BreakoutData.Planes(state);
        return attributes.ToDictionary(a => SchemaNetwork.AttributeSite(MiniBreakout.Attributes[a], 0), a => (Intervention)planes[a].flatten());
    }
}
