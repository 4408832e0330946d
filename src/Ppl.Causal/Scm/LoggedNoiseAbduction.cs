using Ppl.Effects;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Abduction from a log for a program whose categorical variables are Gumbel-max mechanisms with
/// explicit noise sites, <c>x = GumbelMax.Apply(logits, Sample(noiseSite, gumbel))</c> — a policy's
/// actions, a simulator's transitions, any trajectory model. While installed, each noise site the
/// log speaks about (the evidence function returns a <see cref="LoggedCategory"/> for its name)
/// gets the requested number of draws from the exact posterior of its noise given the logged
/// category (<see cref="GumbelMax.SamplePosterior"/>), with a leading draw dim. Run the program
/// again with a different mechanism (another policy, a forced action) and the same noise: that is
/// the counterfactual replay of the log (Oberst and Sontag 2019), e.g. counterfactual off-policy
/// evaluation, where the mean over draws of a logged episode's counterfactual return is its
/// expected return under the other policy given what happened.
/// </summary>
/// <remarks>
/// Each site's posterior needs only that site's factual logits and outcome: given a whole
/// trajectory the noise posterior factorizes over the sites, because each noise enters one
/// mechanism. Values are drawn when the program reaches a site, so a long trajectory never holds
/// all its noise at once. Sites that are observed, already have a value (an inner handler set it)
/// or that the log does not name are left alone. Tensors the evidence function creates while it
/// answers (lookups into the log) are freed after the site's draw; return tensors it keeps elsewhere.
/// </remarks>
public sealed class LoggedNoiseAbduction : Messenger
{
    private readonly Func<string, LoggedCategory?> _evidence;
    private readonly long _draws;
    private readonly Generator? _generator;

    /// <summary>Abducts the noise sites <paramref name="evidence"/> speaks about, <paramref name="draws"/> draws each.</summary>
    /// <param name="evidence">The log's evidence about the noise site of the given name; null for sites it does not speak about.</param>
    /// <param name="draws">Posterior draws per logged entry: the leading batch dim the program must run with.</param>
    /// <param name="generator">Generator of the draws; null uses the site's (a seed handler's) or the default one.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="draws"/> is below one.</exception>
    public LoggedNoiseAbduction(Func<string, LoggedCategory?> evidence, long draws, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        _evidence = evidence;
        _draws = draws;
        _generator = generator;
    }

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.IsObserved || message.Value is not null)
        {
            return;
        }

        // tensors the evidence function makes for this site (lookups into the log) die with the draw
        using var scope = NewDisposeScope();
        if (_evidence(message.Name) is { } logged)
        {
            message.Value = Draw(logged, _generator ?? message.ResolveGenerator()).MoveToOuterDisposeScope();
        }
    }

    private Tensor Draw(LoggedCategory logged, Generator? generator)
    {

        // the prior first, then the posterior: one stream of draws whatever the log covers
        var prior = GumbelMax.SamplePrior(logged.Logits, [_draws], generator);
        if (logged.Observed is not { } observed)
        {
            return prior;
        }

        if (logged.Logged is not { } covered)
        {
            return GumbelMax.SamplePosterior(logged.Logits, observed, [_draws], generator);
        }

        // entries the log does not cover are not observations; any category with a finite logit
        // keeps the sampler valid there, and the prior draw replaces its result anyway
        var valid = where(covered, observed, logged.Logits.argmax(-1));
        var posterior = GumbelMax.SamplePosterior(logged.Logits, valid, [_draws], generator);
        return where(covered.unsqueeze(-1), posterior, prior);
    }
}
