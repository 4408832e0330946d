using Ppl.Diagnostics;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Values by site name, given as a dictionary or as a function of the message. For dictionary
/// data it tracks which names were used during an installation and warns, when uninstalled,
/// about names no site matched (a typo in a site name otherwise silently does nothing).
/// </summary>
internal sealed class NamedData
{
    private readonly IReadOnlyDictionary<string, Tensor>? _data;
    private readonly Func<Message, Tensor?>? _function;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public NamedData(IReadOnlyDictionary<string, Tensor> data) => _data = data ?? throw new ArgumentNullException(nameof(data));

    public NamedData(Func<Message, Tensor?> function) => _function = function ?? throw new ArgumentNullException(nameof(function));

    public bool TryGet(Message message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Tensor? value)
    {
        if (_data is not null)
        {
            if (_data.TryGetValue(message.Name, out value) && value is not null)
            {
                _used.Add(message.Name);
                return true;
            }

            return false;
        }

        value = _function!(message);
        return value is not null;
    }

    public void Reset() => _used.Clear();

    public void WarnUnused(string handler)
    {
        if (_data is null)
        {
            return;
        }

        var unused = _data.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unused.Count > 0)
        {
            PplWarnings.Warn($"{handler}: no site named {string.Join(", ", unused.Select(n => $"'{n}'"))} was reached; check the names.");
        }
    }
}
