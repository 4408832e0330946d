using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// A finite, episodic Markov decision process given by tables: from state s, action a leads to
/// state s' with probability <see cref="Transition"/>[s, a, s']; entering s' pays
/// <see cref="Reward"/>[s']; an episode starts in <see cref="Start"/> and ends on entering a
/// <see cref="Terminal"/> state or after <see cref="Horizon"/> steps (undiscounted return).
/// The tensors belong to the caller's dispose scope.
/// </summary>
public sealed class TabularMdp
{
    /// <summary>Checks and wraps the tables.</summary>
    /// <param name="transition">Probabilities [S, A, S] (float64); each row sums to one.</param>
    /// <param name="reward">Reward for entering each state, [S].</param>
    /// <param name="terminal">Booleans [S]: entering the state ends the episode.</param>
    /// <param name="start">The start state.</param>
    /// <param name="horizon">The time limit in steps.</param>
    /// <exception cref="ArgumentException">Shapes disagree, the transition table is not floating point, probabilities do not sum to one, or start/horizon are out of range.</exception>
    public TabularMdp(Tensor transition, Tensor reward, Tensor terminal, long start, int horizon)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(reward);
        ArgumentNullException.ThrowIfNull(terminal);
        if (transition.dim() != 3 || transition.shape[0] != transition.shape[2])
        {
            throw new ArgumentException($"transition must be [S, A, S]; got [{string.Join(", ", transition.shape)}].", nameof(transition));
        }

        if (!transition.is_floating_point())
        {
            throw new ArgumentException($"transition must hold probabilities of a floating-point dtype; got {transition.dtype} (convert with .to(ScalarType.Float64)).", nameof(transition));
        }

        long states = transition.shape[0];
        if (reward.shape is not [var r] || r != states || terminal.shape is not [var d] || d != states)
        {
            throw new ArgumentException(
                $"reward and terminal must be [{states}]; got [{string.Join(", ", reward.shape)}] and [{string.Join(", ", terminal.shape)}].",
                nameof(reward));
        }

        if (!transition.device.type.Equals(DeviceType.META))
        {
            double worst = transition.sum(-1).sub(1).abs().max().item<double>();
            if (worst > 1e-9 || transition.min().item<double>() < 0)
            {
                throw new ArgumentException($"transition rows must be probability vectors (largest deviation of a row sum from 1: {worst:G3}).", nameof(transition));
            }
        }

        if (start < 0 || start >= states)
        {
            throw new ArgumentException($"start must be a state in [0, {states}); got {start}.", nameof(start));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        Transition = transition;
        TransitionLogits = transition.log();
        Reward = reward.to(transition.dtype);
        Terminal = terminal.to(ScalarType.Bool);
        Start = start;
        Horizon = horizon;
    }

    /// <summary>Transition probabilities [S, A, S].</summary>
    public Tensor Transition { get; }

    /// <summary>Log transition probabilities [S, A, S]; impossible moves are −∞.</summary>
    public Tensor TransitionLogits { get; }

    /// <summary>Reward for entering each state, [S].</summary>
    public Tensor Reward { get; }

    /// <summary>True for the states that end an episode, [S].</summary>
    public Tensor Terminal { get; }

    /// <summary>The state every episode starts in.</summary>
    public long Start { get; }

    /// <summary>The time limit in steps.</summary>
    public int Horizon { get; }

    /// <summary>Number of states S.</summary>
    public long StateCount => Transition.shape[0];

    /// <summary>Number of actions A.</summary>
    public long ActionCount => Transition.shape[1];
}
