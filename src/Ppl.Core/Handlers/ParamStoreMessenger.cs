using Ppl.Effects;
using Ppl.Params;

namespace Ppl.Handlers;

/// <summary>
/// Serves param sites from a <see cref="ParamStore"/>: the first use creates the parameter from
/// its initial value, later uses return the learned value. Usually installed with
/// <see cref="ParamStore.Activate"/>.
/// </summary>
/// <param name="store">The store to read and fill.</param>
public sealed class ParamStoreMessenger(ParamStore store) : Messenger
{
    private readonly ParamStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>The store this handler serves.</summary>
    public ParamStore Store => _store;

    /// <inheritdoc />
    protected override void OnParam(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Value is not null || message.Payload is not ParamSpec spec)
        {
            return; // substituted or replayed further in
        }

        var value = _store.GetOrCreate(message.Name, spec, out var expPreimage);
        message.SetValue(value, noise: null, expPreimage);
        message.Done = true;
    }
}
