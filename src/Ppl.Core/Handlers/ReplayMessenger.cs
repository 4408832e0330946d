using Ppl.Diagnostics;
using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Makes latent sample sites (and plates' subsample indices) take their values from a recorded
/// trace, usually the guide's, so the model is scored at the guide's draws.
/// </summary>
/// <param name="trace">The trace to replay.</param>
/// <param name="parameters">Optional param values to replay by name.</param>
public sealed class ReplayMessenger(Trace trace, IReadOnlyDictionary<string, TorchSharp.torch.Tensor>? parameters = null) : Messenger
{
    private readonly Trace _trace = trace ?? throw new ArgumentNullException(nameof(trace));

    /// <summary>
    /// When set, latent sites take the replayed trace's tensor itself instead of an alias of it.
    /// Only for callers that own both traces and never dispose a site's value on its own (the
    /// ELBOs): it saves a tensor per site and an autograd node per site in backward.
    /// </summary>
    internal bool ShareValues { get; init; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The trace's site of that name was observed or is not a sample site.</exception>
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.IsObserved || !_trace.TryGetSite(message.Name, out var site))
        {
            return;
        }

        if (site.Kind != SiteKind.Sample || site.IsObserved)
        {
            throw new InvalidOperationException($"Replay: site '{message.Name}' must be sampled (latent) in the replayed trace, but it is {(site.IsObserved ? "observed" : "a " + site.Kind + " site")}.");
        }

        message.Value = ShareValues ? site.Value : site.Value?.alias();
        message.Infer = site.Infer;
        message.Done = true;
    }

    /// <inheritdoc />
    protected override void OnPlate(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_trace.TryGetSite(message.Name, out var site) && site.Kind == SiteKind.Plate && site.Value is not null)
        {
            message.Value = site.Value.alias();
        }
    }

    /// <inheritdoc />
    protected override void OnParam(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (parameters is not null && parameters.TryGetValue(message.Name, out var value))
        {
            message.Value = value.alias();
            message.Done = true;
        }
    }

    /// <summary>Warns about latent sites of the replayed trace that the model never reached.</summary>
    internal void WarnUnused(Trace modelTrace)
    {
        foreach (var s in _trace.LatentSites.Where(s => !s.Infer.IsAuxiliary && !modelTrace.Contains(s.Name)))
        {
            PplWarnings.Warn($"Replay: site '{s.Name}' of the replayed trace is not in the model.");
        }
    }
}
