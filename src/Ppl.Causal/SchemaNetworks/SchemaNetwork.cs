using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// A schema network (Kansky et al. 2017): the transition model of an object-oriented MDP as a set of
/// ungrounded schemas over an <see cref="EntityGrid"/>. An attribute at the next step is the noisy OR of the
/// grounded schemas that turn it on, of its self-transition (it keeps its value unless a schema turns it off)
/// and of a small leak; a reward is the noisy OR of its schemas grounded at every entity. Every link of the OR
/// succeeds with probability <see cref="Reliability"/>. <see cref="Rollout"/> is the same model as a Ppl
/// program, so handlers (conditioning, interventions, counterfactual worlds) apply to it.
/// </summary>
public sealed partial class SchemaNetwork
{
    /// <summary>Creates a schema network.</summary>
    /// <exception cref="ArgumentException">A schema's target, action or precondition attribute is out of range, or a probability is not in (0, 1).</exception>
    public SchemaNetwork(EntityGrid grid, IReadOnlyList<string> actions, IReadOnlyList<string> rewards, IEnumerable<UngroundedSchema> schemas, double reliability = 0.999, double leak = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(schemas);
        if (actions.Count == 0)
        {
            throw new ArgumentException("SchemaNetwork: at least one action is needed (name a single 'noop' for an uncontrolled system).", nameof(actions));
        }

        if (!(reliability > 0 && reliability < 1) || !(leak > 0 && leak < 0.5))
        {
            throw new ArgumentException($"SchemaNetwork: reliability must lie in (0, 1) and leak in (0, 0.5); got {reliability} and {leak}.");
        }

        Grid = grid;
        Actions = actions.ToArray();
        Rewards = rewards.ToArray();
        Schemas = schemas.ToArray();
        Reliability = reliability;
        Leak = leak;
        foreach (var schema in Schemas)
        {
            Check(schema);
        }
    }

    /// <summary>The entities and their attributes.</summary>
    public EntityGrid Grid { get; }

    /// <summary>The agent's actions, by index.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>The named binary rewards, by index.</summary>
    public IReadOnlyList<string> Rewards { get; }

    /// <summary>The ungrounded schemas.</summary>
    public IReadOnlyList<UngroundedSchema> Schemas { get; }

    /// <summary>The probability that an active schema (or self-transition) makes its target happen.</summary>
    public double Reliability { get; }

    /// <summary>The probability that an attribute or reward is 1 with no active cause.</summary>
    public double Leak { get; }

    /// <summary>
    /// Every schema grounded at every entity at once: 1 where it fires, shape [..., schemas, rows, columns]
    /// for a state [..., attributes, rows, columns] and actions [...] (int64). Preconditions are products of
    /// shifted attribute planes, so grounding costs one pass per precondition, like a convolution.
    /// </summary>
    public Tensor Activations(Tensor state, Tensor action)
    {
        CheckState(state, action);
        using var scope = NewDisposeScope();
        var planes = new Dictionary<(int, int, int), Tensor>();
        var fired = new List<Tensor>();
        foreach (var schema in Schemas)
        {
            Tensor active = ones_like(state.select(-3, 0));
            foreach (var p in schema.Preconditions)
            {
                if (!planes.TryGetValue((p.RowOffset, p.ColumnOffset, p.Attribute), out var plane))
                {
                    plane = Shift(state.select(-3, p.Attribute), p.RowOffset, p.ColumnOffset);
                    planes[(p.RowOffset, p.ColumnOffset, p.Attribute)] = plane;
                }

                active = active.mul(p.Value ? plane : plane.neg().add(1));
            }

            if (schema.Action is int needed)
            {
                active = active.mul(action.eq(needed).to_type(state.dtype).unsqueeze(-1).unsqueeze(-1));
            }

            fired.Add(active);
        }

        var result = fired.Count == 0 ? zeros([.. state.shape.SkipLast(3), 0, Grid.Rows, Grid.Columns], dtype: state.dtype, device: state.device) : stack(fired, -3);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The probabilities of the next state's attributes ([..., attributes, rows, columns]) and rewards
    /// ([..., rewards]) given a state and actions, with the schema activations behind them.
    /// </summary>
    public SchemaPrediction NextProbabilities(Tensor state, Tensor action)
    {
        var activations = Activations(state, action);
        using var scope = NewDisposeScope();
        double logMiss = Math.Log(1 - Reliability);
        double logNoLeak = Math.Log(1 - Leak);
        var batch = state.shape.SkipLast(3).ToArray();
        var onCount = zeros_like(state);
        var offCount = zeros_like(state);
        var rewardCount = zeros([.. batch, Rewards.Count], dtype: state.dtype, device: state.device);
        for (int s = 0; s < Schemas.Count; s++)
        {
            var fired = activations.select(-3, s);
            var schema = Schemas[s];
            switch (schema.Effect)
            {
                case SchemaEffect.TurnsOn:
                    onCount.select(-3, schema.Target).add_(fired);
                    break;
                case SchemaEffect.TurnsOff:
                    offCount.select(-3, schema.Target).add_(fired);
                    break;
                default:
                    rewardCount.select(-1, schema.Target).add_(fired.sum([-2L, -1L]));
                    break;
            }
        }

        // log P(next = 0) = log(1 − leak) + Σ over the causes that are on of log(1 − reliability)
        var selfTransition = state.mul(offCount.eq(0).to_type(state.dtype));
        var attributes = onCount.add(selfTransition).mul(logMiss).add(logNoLeak).expm1().neg();
        var rewards = rewardCount.mul(logMiss).add(logNoLeak).expm1().neg();
        return new SchemaPrediction(attributes.MoveToOuterDisposeScope(), rewards.MoveToOuterDisposeScope(), activations);
    }

    /// <summary>The most probable next state and rewards (every attribute and reward at probability above ½), as 0/1 in the state's dtype.</summary>
    public (Tensor State, Tensor Rewards) Predict(Tensor state, Tensor action)
    {
        using var scope = NewDisposeScope();
        var prediction = NextProbabilities(state, action);
        return (prediction.Attributes.gt(0.5).to_type(state.dtype).MoveToOuterDisposeScope(), prediction.Rewards.gt(0.5).to_type(state.dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Attribute planes shifted so that cell (r, c) holds the value at (r + rows, c + columns), 0 off the grid.</summary>
    internal static Tensor Shift(Tensor plane, int rows, int columns)
    {
        if (rows == 0 && columns == 0)
        {
            return plane;
        }

        long height = plane.shape[^2];
        long width = plane.shape[^1];
        var padded = nn.functional.pad(plane, [Math.Max(-columns, 0), Math.Max(columns, 0), Math.Max(-rows, 0), Math.Max(rows, 0)]);
        return padded.narrow(-2, Math.Max(rows, 0), height).narrow(-1, Math.Max(columns, 0), width);
    }

    private void Check(UngroundedSchema schema)
    {
        int targets = schema.Effect == SchemaEffect.Reward ? Rewards.Count : Grid.Attributes.Count;
        if (schema.Target >= targets)
        {
            throw new ArgumentException($"SchemaNetwork: schema '{schema.Key}' targets {(schema.Effect == SchemaEffect.Reward ? "reward" : "attribute")} {schema.Target}, but there are {targets}.");
        }

        if (schema.Action is int action && action >= Actions.Count)
        {
            throw new ArgumentException($"SchemaNetwork: schema '{schema.Key}' needs action {action}, but there are {Actions.Count} actions.");
        }

        if (schema.Preconditions.FirstOrDefault(p => p.Attribute >= Grid.Attributes.Count) is { } bad)
        {
            throw new ArgumentException($"SchemaNetwork: schema '{schema.Key}' has a precondition on attribute {bad.Attribute}, but there are {Grid.Attributes.Count} attributes.");
        }
    }

    private void CheckState(Tensor state, Tensor action)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(action);
        if (state.dim() < 3 || state.shape[^3] != Grid.Attributes.Count || state.shape[^2] != Grid.Rows || state.shape[^1] != Grid.Columns)
        {
            throw new ArgumentException($"SchemaNetwork: a state has shape [..., {Grid.Attributes.Count} attributes, {Grid.Rows} rows, {Grid.Columns} columns]; got [{string.Join(", ", state.shape)}].", nameof(state));
        }

        if (!state.is_floating_point())
        {
            throw new ArgumentException($"SchemaNetwork: a state holds 0/1 in a floating dtype; got {state.dtype}.", nameof(state));
        }

        var batch = state.shape.SkipLast(3).ToArray();
        bool broadcasts = action.dim() <= batch.Length && action.shape.Reverse().Zip(batch.Reverse()).All(pair => pair.First == pair.Second || pair.First == 1);
        if (action.dtype != ScalarType.Int64 || !broadcasts)
        {
            throw new ArgumentException($"SchemaNetwork: actions are int64 with the state's batch shape [{string.Join(", ", batch)}] (or one that broadcasts to it); got {action.dtype} [{string.Join(", ", action.shape)}].", nameof(action));
        }
    }
}
