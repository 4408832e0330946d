using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// Plans with a <see cref="SchemaNetwork"/> by vectorized forward search: every candidate action sequence is
/// one row of a batch, all rolled forward together through the network's most probable transition (the
/// noisy-OR's mode, which is the deterministic physics the schemas encode), and scored by the discounted sum
/// of the predicted rewards weighted by <see cref="RewardValues"/>. The paper plans by max-product belief
/// propagation backwards from rewards; the forward search is exact for the candidates it is given, uses
/// nothing but the network's batched transition, and runs on any device. Used for model-predictive control:
/// take the best candidate's first action, observe, plan again.
/// </summary>
public sealed class SchemaPlanner
{
    /// <summary>Creates a planner.</summary>
    /// <param name="network">The transition model.</param>
    /// <param name="rewardValues">What each of the network's rewards is worth (e.g. +1 for a brick, −1 for a miss).</param>
    /// <param name="discount">The weight of a reward one step later, in (0, 1].</param>
    /// <exception cref="ArgumentException">One value per reward is needed; the discount must lie in (0, 1].</exception>
    public SchemaPlanner(SchemaNetwork network, IReadOnlyList<double> rewardValues, double discount = 1.0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(rewardValues);
        if (rewardValues.Count != network.Rewards.Count || rewardValues.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"SchemaPlanner: give one finite value per reward [{string.Join(", ", network.Rewards)}]; got [{string.Join(", ", rewardValues)}].", nameof(rewardValues));
        }

        if (!(discount > 0 && discount <= 1))
        {
            throw new ArgumentException($"SchemaPlanner: the discount lies in (0, 1]; got {discount}.", nameof(discount));
        }

        Network = network;
        RewardValues = rewardValues.ToArray();
        Discount = discount;
    }

    /// <summary>The transition model.</summary>
    public SchemaNetwork Network { get; }

    /// <summary>What each reward is worth.</summary>
    public IReadOnlyList<double> RewardValues { get; }

    /// <summary>The weight of a reward one step later.</summary>
    public double Discount { get; }

    /// <summary>
    /// The predicted discounted return of each candidate, [candidates], from one state [attributes, rows,
    /// columns] and candidate action sequences int64 [candidates, horizon] on the state's device.
    /// </summary>
    /// <exception cref="ArgumentException">The state or the candidates have the wrong shape or dtype.</exception>
    public Tensor Returns(Tensor state, Tensor candidates)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(candidates);
        if (state.dim() != 3)
        {
            throw new ArgumentException($"SchemaPlanner: plan from one state [attributes, rows, columns]; got [{string.Join(", ", state.shape)}].", nameof(state));
        }

        if (candidates.dim() != 2 || candidates.shape[0] < 1 || candidates.shape[1] < 1 || candidates.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"SchemaPlanner: candidates are int64 [candidates, horizon] with both at least 1; got {candidates.dtype} [{string.Join(", ", candidates.shape)}]. ActionSequences builds them.", nameof(candidates));
        }

        using var scope = NewDisposeScope();
        var tree = PrefixTree.Of(candidates);
        var values = tensor(RewardValues.ToArray(), dtype: state.dtype, device: state.device);
        var current = state.unsqueeze(0);
        var total = zeros([candidates.shape[0]], dtype: state.dtype, device: state.device);
        for (int t = 0; t < tree.Depth; t++)
        {
            // one row per distinct prefix of length t + 1: candidates that agree so far are rolled once
            using var step = NewDisposeScope();
            var parents = tensor(tree.Parents[t], dtype: ScalarType.Int64, device: state.device);
            var actions = tensor(tree.Actions[t], dtype: ScalarType.Int64, device: state.device);
            var (next, rewards) = Network.Predict(current.index_select(0, parents), actions);
            var nodeValues = rewards.mul(values).sum(-1).mul(Math.Pow(Discount, t));
            total = total.add(nodeValues.index_select(0, tensor(tree.NodeOf[t], dtype: ScalarType.Int64, device: state.device))).MoveToOuterDisposeScope();
            current = next.MoveToOuterDisposeScope();
        }

        return total.MoveToOuterDisposeScope();
    }

    /// <summary>The candidate with the highest predicted return (the first of equals, so candidates come in order of preference).</summary>
    /// <exception cref="ArgumentException">The state or the candidates have the wrong shape or dtype.</exception>
    public SchemaPlan Plan(Tensor state, Tensor candidates)
    {
        var returns = Returns(state, candidates);
        double[] values = returns.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        int best = 0;
        for (int k = 1; k < values.Length; k++)
        {
            // the rewards are sums of a few weights: a real difference is far above float rounding
            if (values[k] > values[best] + 1e-6)
            {
                best = k;
            }
        }

        using var row = candidates[best].cpu();
        var actions = row.data<long>().ToArray().Select(a => (int)a).ToArray();
        return new SchemaPlan(best, actions, values[best], returns);
    }
}
