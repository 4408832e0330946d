using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// Collects the latent sample sites a hand-written guide draws (not observed, not auxiliary) and
/// their values, so <see cref="AutoCallable{TArgs}"/> can check them against the sites it names.
/// </summary>
internal sealed class GuideSiteProbe : Messenger
{
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);

    /// <summary>The sites' values by name, in the order drawn.</summary>
    public IReadOnlyDictionary<string, Tensor> Values => _values;

    /// <inheritdoc />
    protected override void OnPostSample(Message message)
    {
        if (!message.IsObserved && !message.Infer.IsAuxiliary && message.Value is { } value)
        {
            _values[message.Name] = value;
        }
    }
}
