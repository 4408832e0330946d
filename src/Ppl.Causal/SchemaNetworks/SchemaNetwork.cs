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
    private readonly SchemaGrounding _grounding;

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

        _grounding = new SchemaGrounding(this);
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
    /// for a state [..., attributes, rows, columns] and actions [...] (int64). Grounding is a convolution, as
    /// the paper says: each schema is a kernel over the attribute planes (+1 where it needs a cell on, −1
    /// where it needs it off, 0 padding because off the grid every attribute is 0), its action one more +1,
    /// and it fires where the signed sum reaches its number of +1s, that is where all of its literals hold.
    /// </summary>
    public Tensor Activations(Tensor state, Tensor action)
    {
        CheckState(state, action);
        using var scope = NewDisposeScope();
        var batch = state.shape.SkipLast(3).ToArray();
        if (Schemas.Count == 0)
        {
            return zeros([.. batch, 0, Grid.Rows, Grid.Columns], dtype: state.dtype, device: state.device).MoveToOuterDisposeScope();
        }

        // the kernels as a matrix over every (attribute, offset) window of the padded state: an explicit
        // convolution, because libtorch's conv2d tries NNPACK on some batch shapes and warns on CPUs without it
        var constants = _grounding.On(state.device, state.dtype);
        var flat = state.reshape(-1, Grid.Attributes.Count, Grid.Rows, Grid.Columns);
        var padded = nn.functional.pad(flat, [_grounding.ColumnReach, _grounding.ColumnReach, _grounding.RowReach, _grounding.RowReach]);
        var windows = padded.unfold(-2, Grid.Rows, 1).unfold(-2, Grid.Columns, 1).reshape(flat.shape[0], -1, Grid.EntityCount);
        var sums = bmm(constants.Kernels.unsqueeze(0).expand(windows.shape[0], -1, -1), windows.index_select(1, constants.Reads));
        var taken = action.expand(batch).reshape(-1, 1).eq(arange(Actions.Count, dtype: ScalarType.Int64, device: state.device)).to_type(state.dtype);
        var actionSums = einsum("ba,as->bs", taken, constants.ActionIncidence);
        var fired = sums.add(actionSums.unsqueeze(-1)).eq(constants.Needed.unsqueeze(-1));
        return fired.to_type(state.dtype).reshape([.. batch, Schemas.Count, Grid.Rows, Grid.Columns]).MoveToOuterDisposeScope();
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
        int attributeCount = Grid.Attributes.Count;
        var batch = state.shape.SkipLast(3).ToArray();
        var counts = zeros([.. batch, _grounding.TargetCount, Grid.EntityCount], dtype: state.dtype, device: state.device)
            .index_add(-2, _grounding.On(state.device, state.dtype).TargetRows, activations.flatten(-2), 1);
        var onCount = Planes(counts.narrow(-2, 0, attributeCount));
        var offCount = Planes(counts.narrow(-2, attributeCount, attributeCount));
        var rewardCount = counts.narrow(-2, 2 * attributeCount, Rewards.Count).sum(-1);

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

    /// <summary>Entity rows [..., entities] back to planes [..., rows, columns].</summary>
    private Tensor Planes(Tensor entities) => entities.reshape([.. entities.shape.SkipLast(1), Grid.Rows, Grid.Columns]);

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
