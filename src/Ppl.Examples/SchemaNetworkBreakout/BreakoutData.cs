using Ppl.Causal.SchemaNetworks;
using static TorchSharp.torch;

namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>MiniBreakout states as attribute planes, and random-policy transitions to learn from.</summary>
internal static class BreakoutData
{
    public static EntityGrid Grid { get; } = new(MiniBreakout.Rows, MiniBreakout.Columns, MiniBreakout.Attributes);

    /// <summary>
    /// The learner's options for the example: reliability 0.9999 and leak 10⁻⁶, so that sampled rollouts of
    /// 1,200 attribute cells a step stay on the deterministic physics the schemas encode.
    /// </summary>
    public static SchemaLearnerOptions LearnerOptions { get; } = new() { Reliability = 0.9999, Leak = 1e-6 };

    /// <summary>The state as float32 attribute planes [attributes, rows, columns].</summary>
    public static Tensor Planes(bool[,,] state)
    {
        var values = new float[state.Length];
        int i = 0;
        foreach (bool value in state)
        {
            values[i++] = value ? 1f : 0f;
        }

        return tensor(values).reshape(state.GetLength(0), state.GetLength(1), state.GetLength(2));
    }

    /// <summary>Attribute planes [attributes, rows, columns] back to a state.</summary>
    public static bool[,,] State(Tensor planes)
    {
        var values = planes.gt(0.5).cpu().contiguous().data<bool>().ToArray();
        var state = new bool[planes.shape[0], planes.shape[1], planes.shape[2]];
        Buffer.BlockCopy(values, 0, state, 0, values.Length);
        return state;
    }

    /// <summary>
    /// Transitions under a uniformly random policy: episodes from scrambled starts (random bricks, ball and
    /// paddle), each ended by a miss, a cleared wall or <paramref name="maxEpisodeSteps"/> steps.
    /// </summary>
    public static SchemaTransitions RandomPolicy(BreakoutLayout layout, int transitions, int seed, int maxEpisodeSteps = 40)
    {
        var random = new Random(seed);
        var states = new List<Tensor>();
        var next = new List<Tensor>();
        var actions = new long[transitions];
        var rewards = new float[transitions * MiniBreakout.Rewards.Count];
        using var scope = NewDisposeScope();
        var state = MiniBreakout.Reset(layout, random, scrambled: true);
        int step = 0;
        for (int t = 0; t < transitions; t++)
        {
            int action = random.Next(MiniBreakout.Actions.Count);
            var (after, reward, done) = MiniBreakout.Step(state, action);
            states.Add(Planes(state));
            next.Add(Planes(after));
            actions[t] = action;
            for (int r = 0; r < reward.Length; r++)
            {
                rewards[(t * reward.Length) + r] = reward[r] ? 1f : 0f;
            }

            step++;
            (state, step) = done || step == maxEpisodeSteps ? (MiniBreakout.Reset(layout, random, scrambled: true), 0) : (after, step);
        }

        var data = new SchemaTransitions(stack(states), tensor(actions), stack(next), tensor(rewards).reshape(transitions, MiniBreakout.Rewards.Count));
        data.States.MoveToOuterDisposeScope();
        data.Actions.MoveToOuterDisposeScope();
        data.NextStates.MoveToOuterDisposeScope();
        data.Rewards.MoveToOuterDisposeScope();
        return data;
    }
}
