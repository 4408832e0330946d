using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// Supplies values drawn ahead of time (an autoguide drawing many sites in one call) to latent
/// sample sites by name. Installed innermost, it runs first, so outer handlers (replay,
/// condition) still override the value as they would a default draw.
/// </summary>
internal sealed class PreDrawnMessenger(IReadOnlyDictionary<string, Tensor> values) : Messenger
{
    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.IsObserved && message.Value is null && values.TryGetValue(message.Name, out var value))
        {
            message.Value = value;
        }
    }
}
