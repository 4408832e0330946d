using Ppl.Causal;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// A tabular MDP and a policy written as a structural causal model (Oberst and Sontag's
/// Gumbel-max SCM): every step t has explicit exogenous noise, a Gumbel(0, 1) vector
/// <c>action_noise/t</c> over the actions and one <c>state_noise/t</c> over the next states,
/// and the endogenous variables are deterministic functions of their parents and that noise,
/// <c>action/t = argmax(log π(·|s_t) + action_noise/t)</c> and
/// <c>state/t+1 = argmax(log P(·|s_t, a_t) + state_noise/t)</c>. Marginally this is the MDP run by
/// the policy; conditioned on what happened, the noise carries the episode's "luck" into
/// counterfactual worlds. Once an episode has ended its state stays put (its noise is still drawn,
/// so every run has the same sites). The program stops early when every episode has ended.
/// </summary>
public static class MdpScm
{
    /// <summary>Name of the action noise site of step <paramref name="t"/>.</summary>
    public static string ActionNoiseSite(int t) => $"action_noise/{t}";

    /// <summary>Name of the action site of step <paramref name="t"/>.</summary>
    public static string ActionSite(int t) => $"action/{t}";

    /// <summary>Name of the transition noise site of step <paramref name="t"/> (it decides state t+1).</summary>
    public static string StateNoiseSite(int t) => $"state_noise/{t}";

    /// <summary>Name of the state site reached after <paramref name="t"/> steps (t ≥ 1).</summary>
    public static string StateSite(int t) => $"state/{t}";

    /// <summary>The step a site name of this program belongs to and whether it is an action (rather than a transition) noise site; null for other sites.</summary>
    public static (int Step, bool IsActionNoise)? ParseNoiseSite(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return StepOf(name, "action_noise/") is int a ? (a, true)
            : StepOf(name, "state_noise/") is int s ? (s, false)
            : null;
    }

    /// <summary>The number of steps after which a state site (<see cref="StateSite"/>) is reached; null for other sites.</summary>
    public static int? ParseStateSite(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return StepOf(name, "state/");
    }

    private static int? StepOf(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int t)
            ? t
            : null;

    /// <summary>Runs a batch of episodes of the SCM (a Ppl program: use it with any handler).</summary>
    /// <exception cref="ArgumentException">The action logits do not have shape [B, A].</exception>
    public static ScmEpisodes Run(ScmArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var mdp = args.Mdp;
        long[] batch = args.BatchShape;
        var device = mdp.Transition.device;
        var dtype = mdp.Transition.dtype;

        // A trace keeps references to every site's value, so per-step scopes may only free
        // intermediate tensors when nothing is recording them (or the caller says so).
        bool freeSteps = args.Memory switch
        {
            StepMemory.FreeEachStep => true,
            StepMemory.KeepAll => false,
            _ => !HandlerStack.RetainsValues,
        };

        var state = full(batch, mdp.Start, dtype: ScalarType.Int64, device: device);
        var done = zeros(batch, dtype: ScalarType.Bool, device: device);
        var returns = zeros(batch, dtype: dtype, device: device);
        var lengths = zeros(batch, dtype: ScalarType.Int64, device: device);
        var states = args.RecordPath ? new List<Tensor> { state } : null;
        var actions = args.RecordPath ? new List<Tensor>() : null;
        var actionNoise = new Gumbel(zeros([.. batch, mdp.ActionCount], dtype: dtype, device: device), 1.0).ToEvent(1);
        var stateNoise = new Gumbel(zeros([.. batch, mdp.StateCount], dtype: dtype, device: device), 1.0).ToEvent(1);

        for (int t = 0; t < mdp.Horizon; t++)
        {
            using var scope = freeSteps ? NewDisposeScope() : null;
            var logits = args.ActionLogits(t, state);
            if (!logits.shape.SequenceEqual([.. batch, mdp.ActionCount]))
            {
                throw new ArgumentException(
                    $"action logits of step {t} must be [{string.Join(", ", batch)}, {mdp.ActionCount}]; got [{string.Join(", ", logits.shape)}].",
                    nameof(args));
            }

            var uAction = Sample(ActionNoiseSite(t), actionNoise);
            var action = Deterministic(ActionSite(t), GumbelMax.Apply(logits, uAction));
            var uState = Sample(StateNoiseSite(t), stateNoise);
            var moved = GumbelMax.Apply(mdp.TransitionLogits[state, action], uState);
            var next = Deterministic(StateSite(t + 1), where(done, state, moved));
            var running = done.logical_not();

            var newReturns = returns.add(mdp.Reward[next].mul(running));
            var newLengths = lengths.add(running.to(ScalarType.Int64));
            var newDone = done.logical_or(mdp.Terminal[next]);
            if (scope is not null)
            {
                newReturns.MoveToOuterDisposeScope();
                newLengths.MoveToOuterDisposeScope();
                newDone.MoveToOuterDisposeScope();
                next.MoveToOuterDisposeScope();
                if (actions is not null)
                {
                    action.MoveToOuterDisposeScope();
                }
            }

            actions?.Add(action);
            states?.Add(next);
            if (freeSteps)
            {
                // the previous step's carried tensors live in the caller's scope: free them now,
                // or a long batched run holds H copies of them
                done.Dispose();
                returns.Dispose();
                lengths.Dispose();
                if (states is null)
                {
                    state.Dispose();
                }
            }

            (state, done, returns, lengths) = (next, newDone, newReturns, newLengths);
            if (done.all().item<bool>())
            {
                break;
            }
        }

        Tensor? pathStates = null, pathActions = null;
        if (states is not null && actions is not null)
        {
            while (actions.Count < mdp.Horizon)
            {
                actions.Add(args.ActionLogits(actions.Count, state).argmax(-1));
                states.Add(state);
            }

            pathStates = stack(states, -1);
            pathActions = stack(actions, -1);
        }

        return new ScmEpisodes(returns, state, lengths, pathStates, pathActions);
    }
}
