using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// A stationary stochastic policy: in state s it takes action a with probability
/// <see cref="Probabilities"/>[s, a]. Deterministic policies are one-hot rows.
/// </summary>
public sealed class TabularPolicy
{
    /// <summary>Wraps a table of action probabilities [S, A] whose rows sum to one.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="probabilities">Probabilities [S, A].</param>
    /// <exception cref="ArgumentException">The table is not [S, A] or a row is not a probability vector.</exception>
    public TabularPolicy(string name, Tensor probabilities)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.dim() != 2)
        {
            throw new ArgumentException($"policy '{name}': probabilities must be [S, A]; got [{string.Join(", ", probabilities.shape)}].", nameof(probabilities));
        }

        if (!probabilities.device.type.Equals(DeviceType.META)
            && (probabilities.sum(-1).sub(1).abs().max().item<double>() > 1e-9 || probabilities.min().item<double>() < 0))
        {
            throw new ArgumentException($"policy '{name}': every row must be a probability vector.", nameof(probabilities));
        }

        Name = name;
        Probabilities = probabilities;
        Logits = probabilities.log();
    }

    /// <summary>The name shown in reports.</summary>
    public string Name { get; }

    /// <summary>Action probabilities [S, A].</summary>
    public Tensor Probabilities { get; }

    /// <summary>Log action probabilities [S, A]; actions the policy never takes are −∞.</summary>
    public Tensor Logits { get; }

    /// <summary>A deterministic policy taking <paramref name="actions"/>[s] in state s.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="actions">Int64 actions [S].</param>
    /// <param name="actionCount">Number of actions A.</param>
    public static TabularPolicy Deterministic(string name, Tensor actions, long actionCount)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return new TabularPolicy(name, nn.functional.one_hot(actions, actionCount).to(ScalarType.Float64));
    }

    /// <summary>
    /// With probability 1 − <paramref name="epsilon"/> the greedy action of <paramref name="greedy"/>
    /// (a deterministic policy), otherwise an action uniformly at random (which may be the greedy one).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">epsilon is outside [0, 1].</exception>
    public static TabularPolicy EpsilonGreedy(string name, TabularPolicy greedy, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(greedy);
        if (epsilon is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be in [0, 1].");
        }

        long actions = greedy.Probabilities.shape[1];
        return new TabularPolicy(name, greedy.Probabilities.mul(1 - epsilon).add(epsilon / actions));
    }

    /// <summary>The most probable action in each state, int64 [S] (the first on ties).</summary>
    public Tensor GreedyActions => Probabilities.argmax(-1);
}
