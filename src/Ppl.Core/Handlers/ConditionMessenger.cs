using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Observes sample sites: a site whose name has data takes that value and is marked observed,
/// so it contributes its log-density instead of being drawn (Pyro's <c>condition</c>).
/// </summary>
/// <example><code>
/// using (new ConditionMessenger(new Dictionary&lt;string, Tensor&gt; { ["y"] = y }).Install()) { model(); }
/// </code></example>
public sealed class ConditionMessenger : Messenger
{
    private readonly NamedData _data;

    /// <summary>Conditions the sites named in <paramref name="data"/>.</summary>
    public ConditionMessenger(IReadOnlyDictionary<string, Tensor> data) => _data = new NamedData(data);

    /// <summary>Conditions each site for which <paramref name="data"/> returns a value.</summary>
    public ConditionMessenger(Func<Message, Tensor?> data) => _data = new NamedData(data);

    /// <inheritdoc />
    protected override void OnInstalled() => _data.Reset();

    /// <inheritdoc />
    protected internal override void OnUninstalled() => _data.WarnUnused("Condition");

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_data.TryGet(message, out var value))
        {
            message.Value = value.alias(); // an alias: disposing the trace never frees user data
            message.IsObserved = true;
        }
    }
}
