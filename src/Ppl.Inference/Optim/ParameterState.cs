using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Inference.Optim;

/// <summary>
/// What an optimizer remembers about one named parameter: its own update count (bias correction
/// and decays count the updates the parameter received, not the optimizer's steps, because a
/// parameter can appear mid-training) and named state tensors. The tensors are detached from
/// every dispose scope: they must survive the caller's per-step scopes, and are disposed with
/// the optimizer.
/// </summary>
internal sealed class ParameterState : IUpdateState, IDisposable
{
    private readonly SortedDictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    // the parameter being updated (new state tensors are made like it)
    private Parameter? _parameter;

    // the parameter the state tensors were last checked against, and its group key: the check
    // queries shapes, dtypes and devices natively (a dozen calls per state tensor), which showed
    // as a tenth of the step for models with hundreds of small parameters
    private Parameter? _checkedAgainst;
    private string? _groupKey;
    private string? _keys;

    /// <summary>Updates this parameter has received, including the one in progress.</summary>
    public long Step { get; set; }

    /// <summary>State tensors by key, in ordinal key order (so files are deterministic).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Tensors => _tensors;

    /// <summary>The state keys present, joined: parameters are grouped only with others holding the same ones.</summary>
    public string Keys => _keys ??= string.Join("|", _tensors.Keys);

    /// <summary>The state tensor <paramref name="key"/>, made by <paramref name="create"/> from the parameter the first time.</summary>
    public Tensor GetOrCreate(string key, Func<Tensor, Tensor> create)
    {
        if (!_tensors.TryGetValue(key, out var t))
        {
            var parameter = _parameter ?? throw new InvalidOperationException($"State '{key}' is made before the parameter was checked.");
            t = Set(key, create(parameter).detach());
        }

        return t;
    }

    /// <summary>The state tensor <paramref name="key"/>, or null when it has not been made yet.</summary>
    public Tensor? TryGet(string key) => _tensors.TryGetValue(key, out var t) ? t : null;

    /// <summary>Stores <paramref name="value"/> (taking ownership) under <paramref name="key"/>, disposing what was there.</summary>
    public Tensor Set(string key, Tensor value)
    {
        var owned = value.DetachFromDisposeScope();
        if (_tensors.TryGetValue(key, out var old))
        {
            if (!ReferenceEquals(old, owned))
            {
                old.Dispose();
            }
        }
        else
        {
            _keys = null;
        }

        _tensors[key] = owned;
        _checkedAgainst = null;
        return owned;
    }

    /// <summary>
    /// Checks that state restored from a file fits <paramref name="parameter"/>, moving it to the
    /// parameter's device: a file is read onto one device before the parameters are known.
    /// </summary>
    /// <exception cref="InvalidOperationException">A state tensor's shape or dtype differs from the parameter's.</exception>
    public void EnsureFits(Parameter parameter, string name, string optimizer)
    {
        _parameter = parameter;
        if (ReferenceEquals(parameter, _checkedAgainst))
        {
            return; // same parameter object, same state tensors: nothing can have changed
        }

        foreach (var key in _tensors.Keys.ToList())
        {
            var t = _tensors[key];
            if (!t.Shape().SequenceEqual(parameter.Shape()) || t.dtype != parameter.dtype)
            {
                throw new InvalidOperationException(
                    $"{optimizer}: state '{key}' of parameter '{name}' is [{string.Join(", ", t.Shape())}] {t.dtype} but the parameter is [{string.Join(", ", parameter.Shape())}] {parameter.dtype}; was a different parameter given the same name?");
            }

            if (t.device_type != parameter.device_type || t.device_index != parameter.device_index)
            {
                var moved = t.to(parameter.device).DetachFromDisposeScope();
                t.Dispose();
                _tensors[key] = moved;
            }
        }

        _checkedAgainst = parameter;
        _groupKey = null;
    }

    /// <summary>
    /// The dtype, device and shape of <paramref name="parameter"/> as a key for grouped updates,
    /// kept while <see cref="EnsureFits"/> has nothing new to check.
    /// </summary>
    public string GroupKey(Parameter parameter) =>
        _groupKey is not null && ReferenceEquals(parameter, _checkedAgainst)
            ? _groupKey
            : _groupKey = $"{parameter.dtype}|{parameter.device_type}:{parameter.device_index}|{string.Join(",", parameter.Shape())}";

    /// <summary>Disposes the state tensors.</summary>
    public void Dispose()
    {
        foreach (var t in _tensors.Values)
        {
            t.Dispose();
        }

        _tensors.Clear();
        _keys = null;
        _parameter = null;
        _checkedAgainst = null;
    }
}
