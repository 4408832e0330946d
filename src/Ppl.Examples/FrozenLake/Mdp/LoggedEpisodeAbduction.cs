using Ppl.Causal;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// Abduction for <see cref="MdpScm"/> from an <see cref="EpisodeLog"/>: the library's
/// <see cref="LoggedNoiseAbduction"/> told what the log shows at each noise site of step t — the
/// action the behaviour policy took (action noise, factual logits log π(·|s_t)) and the state the
/// dynamics produced (transition noise, factual logits log P(·|s_t, a_t)), both from the logged
/// state, not the replay's. Steps after an episode ended (or from <c>abductedSteps</c> on) get
/// prior noise: nothing was observed there.
/// </summary>
public static class LoggedEpisodeAbduction
{
    /// <summary>The abduction handler for <paramref name="log"/>.</summary>
    /// <param name="mdp">The dynamics the log was produced by.</param>
    /// <param name="log">The logged episodes; the program's batch shape must be [draws, log.Count].</param>
    /// <param name="behaviour">The policy that produced the logged actions (its randomness is abducted too).</param>
    /// <param name="draws">Posterior draws per episode (the leading batch dim of the program).</param>
    /// <param name="generator">Generator of the draws; null uses the site's (a seed handler's) or the default one.</param>
    /// <param name="abductedSteps">Only steps before this one are conditioned on the log; null for all.</param>
    public static LoggedNoiseAbduction Create(
        TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, long draws, Generator? generator = null, int? abductedSteps = null)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(behaviour);
        return new LoggedNoiseAbduction(
            site => MdpScm.ParseNoiseSite(site) is { } s && s.Step < log.Horizon ? Evidence(mdp, log, behaviour, s.Step, s.IsActionNoise, abductedSteps) : null,
            draws,
            generator);
    }

    private static LoggedCategory Evidence(TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, int t, bool isActionNoise, int? abductedSteps)
    {
        var state = log.States.select(1, t);
        var action = log.Actions.select(1, t);
        var logits = isActionNoise ? behaviour.Logits[state] : mdp.TransitionLogits[state, action];
        if (abductedSteps is { } limit && t >= limit)
        {
            return new LoggedCategory(logits, null);
        }

        var logged = isActionNoise ? action : log.States.select(1, t + 1);
        return new LoggedCategory(logits, logged, log.Alive.select(1, t));
    }
}
