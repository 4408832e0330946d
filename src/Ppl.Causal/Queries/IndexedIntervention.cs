using Ppl.Effects;

namespace Ppl.Causal;

/// <summary>
/// Intervenes on one site under a world index of another name. World indices are keyed by name,
/// so a second <see cref="InterventionsMessenger"/> on the same site would reuse (and overwrite)
/// the first one's index; <see cref="CausalQueries.Ate"/> needs both treatments side by side.
/// </summary>
internal sealed class IndexedIntervention(string site, string index, Intervention action) : Messenger
{
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Register(message, message.Distribution?.EventShape.Length ?? 0);
    }

    protected override void OnDeterministic(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Register(message, message.Payload is int eventDim ? eventDim : 0);
    }

    private void Register(Message message, int eventDim)
    {
        if (message.Name == site)
        {
            message.AfterValue(m => m.Value = CausalPrimitives.Intervene(m.Value!, action, index, eventDim), InterventionsMessenger.Stage);
        }
    }
}
