using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Turns observed sample sites back into latent ones (Pyro's <c>uncondition</c>): the site is
/// drawn, and its observation is kept in <see cref="InferConfig.Obs"/> with
/// <see cref="InferConfig.WasObserved"/> set.
/// </summary>
public sealed class UnconditionMessenger : Messenger
{
    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.IsObserved)
        {
            message.Infer = message.Infer with { WasObserved = true, Obs = message.Value };
            message.IsObserved = false;
            message.Value = null;
            message.Done = false;
        }
    }
}
