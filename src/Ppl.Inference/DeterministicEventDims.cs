using Ppl.Effects;

namespace Ppl.Inference;

/// <summary>
/// Records the event dim each deterministic site declared, which the trace does not keep: a
/// deterministic value's batch rank (its rank less its event dims) decides how many of the plate
/// nesting's singleton dims <see cref="Predictive{TArgs}"/> puts in front of it.
/// </summary>
internal sealed class DeterministicEventDims : Messenger
{
    /// <summary>Event dims by deterministic site name, from the current (or last) installation.</summary>
    public Dictionary<string, int> EventDims { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void OnInstalled() => EventDims.Clear();

    /// <inheritdoc />
    protected override void OnPostDeterministic(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        EventDims[message.Name] = message.Payload is int eventDim ? eventDim : 0;
    }
}
