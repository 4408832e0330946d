using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>Optimal policies of tabular MDPs by discounted value iteration.</summary>
public static class ValueIteration
{
    /// <summary>
    /// Iterates V(s) = max_a Σ_s' P(s'|s,a) (R(s') + γ [s' not terminal] V(s')) until the largest
    /// change is below <paramref name="tolerance"/> and returns the greedy deterministic policy
    /// (ties go to the lowest action). Discounting makes shorter routes preferred among equally
    /// safe ones; the time limit is not part of it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">γ is not in (0, 1).</exception>
    public static TabularPolicy OptimalPolicy(TabularMdp mdp, double gamma = 0.99, double tolerance = 1e-10, string name = "optimal")
    {
        ArgumentNullException.ThrowIfNull(mdp);
        if (gamma is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in (0, 1).");
        }

        Tensor actions;
        using (var scope = NewDisposeScope())
        {
            var continues = mdp.Terminal.logical_not().to(mdp.Transition.dtype).mul(gamma);
            var value = zeros_like(mdp.Reward);
            Tensor q;
            while (true)
            {
                using var step = NewDisposeScope();
                q = mdp.Transition.CheckedMatMul(mdp.Reward.add(continues.mul(value)));
                var next = q.amax(-1);
                bool converged = next.sub(value).abs().max().item<double>() < tolerance;
                value = next.MoveToOuterDisposeScope();
                q.MoveToOuterDisposeScope();
                if (converged)
                {
                    break;
                }
            }

            // a tolerance-sized tie must not flip the greedy action: round before the argmax
            actions = q.mul(1e8).round().argmax(-1).MoveToOuterDisposeScope();
        }

        return TabularPolicy.Deterministic(name, actions, mdp.ActionCount);
    }
}
