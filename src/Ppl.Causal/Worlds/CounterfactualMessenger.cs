using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Base of the world handlers: catches every <see cref="CausalPrimitives.Intervene"/> from the
/// handlers inside it and answers it with <see cref="Split"/>, which decides what worlds the
/// intervened value lives in.
/// </summary>
public abstract class CounterfactualMessenger : Messenger
{
    /// <summary>The value of the intervened site given its factual value and the intervention.</summary>
    /// <param name="request">The factual value and the intervention.</param>
    /// <param name="name">The intervened site.</param>
    protected abstract Tensor Split(InterventionRequest request, string name);

    /// <inheritdoc />
    protected override void OnOther(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind != CausalPrimitives.InterveneKind || message.Payload is not InterventionRequest request)
        {
            return;
        }

        message.Value = Split(request, message.Name);
        message.Done = true;
        message.Stop = true;
    }
}
