using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// The handler of one step of a <see cref="Primitives.Markov{T}"/> loop: marks every sample site inside
/// with the step, unless a loop nested inside already did (the innermost loop decides), so that
/// <see cref="EnumMessenger"/> can give the enumeration dims of steps older than the loop's history to
/// new variables.
/// </summary>
internal sealed class MarkovMessenger(MarkovStep step) : Messenger
{
    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Markov ??= step;
    }
}
