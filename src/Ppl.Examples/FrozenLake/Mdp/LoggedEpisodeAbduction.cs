using Ppl.Causal;
using Ppl.Effects;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// Abduction for <see cref="MdpScm"/>: while installed, each noise site of step t is set to a
/// draw from its exact posterior given what the log shows happened at step t (the action the
/// behaviour policy took, the state the dynamics produced), via
/// <see cref="GumbelMax.SamplePosterior"/>. Given a whole episode the posterior factorizes
/// over steps, because each step's noise only enters that step's two mechanisms. Steps after an
/// episode ended (or from <paramref name="abductedSteps"/> on) get prior noise: nothing was
/// observed there. Values are drawn when the program reaches a site, one step at a time, so a
/// run over [draws, episodes] never holds all H steps of noise.
/// </summary>
/// <param name="mdp">The dynamics the log was produced by.</param>
/// <param name="log">The logged episodes; the program's batch shape must be [draws, log.Count].</param>
/// <param name="behaviour">The policy that produced the logged actions (its randomness is abducted too).</param>
/// <param name="draws">Posterior draws per episode (the leading batch dim of the program).</param>
/// <param name="generator">Generator of the draws; null uses the site's (a seed handler's) or the default one.</param>
/// <param name="abductedSteps">Only steps before this one are conditioned on the log; null for all.</param>
public sealed class LoggedEpisodeAbduction(
    TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, long draws, Generator? generator = null, int? abductedSteps = null) : Messenger
{
    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.IsObserved || message.Value is not null || MdpScm.ParseNoiseSite(message.Name) is not { } site || site.Step >= log.Horizon)
        {
            return;
        }

        message.Value = Draw(site.Step, site.IsActionNoise, generator ?? message.ResolveGenerator());
    }

    private Tensor Draw(int t, bool isActionNoise, Generator? g)
    {
        using var scope = NewDisposeScope();
        var state = log.States.select(1, t);
        var action = log.Actions.select(1, t);
        var logits = isActionNoise ? behaviour.Logits[state] : mdp.TransitionLogits[state, action];
        var prior = GumbelMax.SamplePrior(logits, [draws], g);
        if (abductedSteps is { } limit && t >= limit)
        {
            return prior.MoveToOuterDisposeScope();
        }

        var alive = log.Alive.select(1, t);

        // past an episode's end the padded entries are not observations; any category with a
        // finite logit keeps the sampler valid, and the prior draw replaces the result anyway
        var logged = isActionNoise ? action : log.States.select(1, t + 1);
        var observed = where(alive, logged, logits.argmax(-1));
        var posterior = GumbelMax.SamplePosterior(logits, observed, [draws], g);
        return where(alive.unsqueeze(-1), posterior, prior).MoveToOuterDisposeScope();
    }
}
