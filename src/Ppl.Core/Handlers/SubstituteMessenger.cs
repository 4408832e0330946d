using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Sets the values of sample, param and deterministic sites without marking them observed
/// (Pyro's <c>substitute</c>; meant for inference algorithms — models should use
/// <see cref="ConditionMessenger"/>).
/// </summary>
public sealed class SubstituteMessenger : Messenger
{
    private readonly NamedData _data;

    /// <summary>Substitutes the sites named in <paramref name="data"/>.</summary>
    public SubstituteMessenger(IReadOnlyDictionary<string, Tensor> data) => _data = new NamedData(data);

    /// <summary>Substitutes each site for which <paramref name="data"/> returns a value.</summary>
    public SubstituteMessenger(Func<Message, Tensor?> data) => _data = new NamedData(data);

    /// <inheritdoc />
    protected override void OnInstalled() => _data.Reset();

    /// <inheritdoc />
    protected internal override void OnUninstalled() => _data.WarnUnused("Substitute");

    /// <inheritdoc />
    protected override void OnSample(Message message) => Substitute(message);

    /// <inheritdoc />
    protected override void OnParam(Message message) => Substitute(message);

    /// <inheritdoc />
    protected override void OnDeterministic(Message message) => Substitute(message);

    private void Substitute(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.IsObserved && _data.TryGet(message, out var value))
        {
            message.Value = value.alias();
        }
    }
}
