using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>Exact values of tabular policies by backward induction over the finite horizon.</summary>
public static class PolicyEvaluation
{
    /// <summary>
    /// The expected undiscounted return of <paramref name="policy"/> from the start state within
    /// the time limit: V_H = 0, V_t(s) = Σ_a π(a|s) Σ_s' P(s'|s,a) (R(s') + [s' not terminal] V_{t+1}(s')).
    /// </summary>
    public static double Value(TabularMdp mdp, TabularPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        using var scope = NewDisposeScope();
        return StateValues(mdp, policy)[mdp.Start].item<double>();
    }

    /// <summary>The value V_0(s) of <paramref name="policy"/> from every state with the full time limit, [S].</summary>
    public static Tensor StateValues(TabularMdp mdp, TabularPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        ArgumentNullException.ThrowIfNull(policy);
        CheckShapes(mdp, policy);
        using var scope = NewDisposeScope();
        var continues = mdp.Terminal.logical_not().to(mdp.Transition.dtype);
        var value = zeros_like(mdp.Reward);
        for (int t = mdp.Horizon - 1; t >= 0; t--)
        {
            // q[s, a] = Σ_s' P(s'|s,a) (R(s') + continues(s') V(s'))
            var q = mdp.Transition.CheckedMatMul(mdp.Reward.add(continues.mul(value)));
            value = policy.Probabilities.mul(q).sum(-1);
        }

        return value.MoveToOuterDisposeScope();
    }

    internal static void CheckShapes(TabularMdp mdp, TabularPolicy policy)
    {
        if (policy.Probabilities.shape[0] != mdp.StateCount || policy.Probabilities.shape[1] != mdp.ActionCount)
        {
            throw new ArgumentException(
                $"policy '{policy.Name}' is [{string.Join(", ", policy.Probabilities.shape)}] but the MDP has {mdp.StateCount} states and {mdp.ActionCount} actions.",
                nameof(policy));
        }
    }
}
