using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

public sealed partial class SchemaNetwork
{
    /// <summary>The plate over the grid's entities (the last dim of every attribute and schema site).</summary>
    public const string EntitiesPlate = "entities";

    /// <summary>The name of attribute <paramref name="attribute"/>'s site at step <paramref name="step"/>: "ball@3".</summary>
    public static string AttributeSite(string attribute, int step) => $"{attribute}@{step}";

    /// <summary>The name of a reward's site for the transition into step <paramref name="step"/>: "reward.brick@3".</summary>
    public static string RewardSite(string reward, int step) => $"reward.{reward}@{step}";

    /// <summary>The name of the action site of the transition out of step <paramref name="step"/>: "action@2".</summary>
    public static string ActionSite(int step) => $"action@{step}";

    /// <summary>The name of schema <paramref name="schema"/>'s activation site for the transition into step <paramref name="step"/>: "schema7@3".</summary>
    public static string SchemaSite(int schema, int step) => $"schema{schema}@{step}";

    /// <summary>The name of a reward's total over the rollout: "return.brick".</summary>
    public static string ReturnSite(string reward) => $"return.{reward}";

    /// <summary>
    /// The schema network as a Ppl program over <c>input.Actions.shape[^1]</c> steps. Step 0 is the given state,
    /// one <c>Deterministic</c> site per attribute ("ball@0", shape [..., entities]); so are the actions
    /// ("action@t", shape [..., 1]). Each step t ≥ 1 samples every attribute as a <c>Bernoulli</c> site ("ball@t") in the
    /// <see cref="EntitiesPlate"/> with the noisy-OR probability of <see cref="NextProbabilities"/>, every
    /// reward as a <c>Bernoulli</c> site ("reward.brick@t", shape [..., 1]), and records each ungrounded schema's groundings
    /// as a <c>Deterministic</c> site ("schema7@t", one entry per grounded schema: 1 where it fired). The
    /// totals of the rewards are <c>Deterministic</c> sites "return.brick" ([..., 1]). Sites outside the entity
    /// plate keep a trailing 1 where the plate's dim is, so plates of draws or worlds line up. Every site can be observed or
    /// intervened on: do(brick@0) edits the starting state, do(action@2) the plan. Returns the last state.
    /// </summary>
    public Tensor Rollout(SchemaRolloutInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var state = input.InitialState;
        var actions = input.Actions;
        var batch = state.shape.SkipLast(3).ToArray();
        if (actions.dim() != batch.Length + 1 || !actions.shape.SkipLast(1).SequenceEqual(batch))
        {
            throw new ArgumentException($"SchemaNetwork.Rollout: actions are [..., steps] with the state's batch shape [{string.Join(", ", batch)}] in front; got [{string.Join(", ", actions.shape)}].", nameof(input));
        }

        int steps = (int)actions.shape[^1];
        CheckState(state, zeros(batch, dtype: ScalarType.Int64, device: state.device));
        if (actions.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"SchemaNetwork.Rollout: actions are int64; got {actions.dtype}.", nameof(input));
        }

        long entities = Grid.EntityCount;
        using (Plate(EntitiesPlate, entities, dim: -1))
        {
            state = Attributes(state, 0, (name, value) => Deterministic(name, value));
        }

        // sites outside the entity plate keep a singleton in its place, so that a plate of draws or worlds to
        // their left lines up with the attributes' (a plain [...] would put the draws where entities go)
        var returns = Rewards.Select(_ => zeros([.. batch, 1], dtype: state.dtype, device: state.device)).ToArray();
        for (int t = 0; t < steps; t++)
        {
            var action = Deterministic(ActionSite(t), actions.select(-1, t).unsqueeze(-1)).squeeze(-1);
            var prediction = NextProbabilities(state, action);
            using (Plate(EntitiesPlate, entities, dim: -1))
            {
                for (int s = 0; s < Schemas.Count; s++)
                {
                    Deterministic(SchemaSite(s, t + 1), prediction.Activations.select(-3, s).flatten(-2));
                }

                state = Attributes(prediction.Attributes, t + 1, (name, probability) => Sample(name, Bernoulli.FromProbs(probability)));
            }

            for (int r = 0; r < Rewards.Count; r++)
            {
                returns[r] = returns[r].add(Sample(RewardSite(Rewards[r], t + 1), Bernoulli.FromProbs(prediction.Rewards.select(-1, r).unsqueeze(-1))));
            }
        }

        for (int r = 0; r < Rewards.Count; r++)
        {
            Deterministic(ReturnSite(Rewards[r]), returns[r]);
        }

        return state;
    }

    /// <summary>One site per attribute plane (flattened over the entity plate); the planes of the values the sites return.</summary>
    private Tensor Attributes(Tensor planes, int step, Func<string, Tensor, Tensor> site)
    {
        var values = new Tensor[Grid.Attributes.Count];
        for (int a = 0; a < values.Length; a++)
        {
            var value = site(AttributeSite(Grid.Attributes[a], step), planes.select(-3, a).flatten(-2));
            values[a] = value.reshape([.. value.shape.SkipLast(1), Grid.Rows, Grid.Columns]);
        }

        // worlds or draws added to one attribute by a handler (an intervention in a twin world) broadcast to all
        return stack(broadcast_tensors(values), -3);
    }
}
