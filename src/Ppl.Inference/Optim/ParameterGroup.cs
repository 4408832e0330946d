using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Inference.Optim;

/// <summary>
/// Same-shaped parameters updated together by <see cref="GroupedUpdate"/>: their values are copied
/// into a buffer the group owns, the optimizer's arithmetic runs once on that stack, and each row
/// is copied back into its parameter's own storage. Parameters are never re-pointed, so views of
/// them taken earlier keep following training. As the update's <see cref="IUpdateState"/>, the
/// group hands out stacked state whose rows ARE its members' state tensors, so saving, loading and
/// the shape checks still see each parameter's state under its name.
/// </summary>
internal sealed class ParameterGroup : IUpdateState, IDisposable
{
    private readonly string _shapeKey;
    private readonly Parameter[] _parameters;
    private readonly Tensor _values;
    private readonly Tensor[] _valueRows;
    private readonly Dictionary<string, (Tensor Stacked, Tensor[] Rows)> _state = new(StringComparer.Ordinal);
    private IReadOnlyList<GroupMember> _members = [];

    private ParameterGroup(string shapeKey, Parameter[] parameters, Tensor values, Tensor[] valueRows)
    {
        _shapeKey = shapeKey;
        _parameters = parameters;
        _values = values;
        _valueRows = valueRows;
    }

    /// <summary>A group of <paramref name="members"/> (same dtype, device and shape <paramref name="shapeKey"/>); call under no_grad.</summary>
    public static ParameterGroup Create(string shapeKey, IReadOnlyList<GroupMember> members)
    {
        var parameters = members.Select(m => m.Parameter).ToArray();
        var values = stack(parameters).detach().DetachFromDisposeScope();
        var rows = values.unbind(0);
        foreach (var row in rows)
        {
            row.DetachFromDisposeScope();
        }

        return new ParameterGroup(shapeKey, parameters, values, rows);
    }

    /// <summary>True while <paramref name="members"/> are this group's parameter objects, in order, with the same dtype, device and shape.</summary>
    public bool Matches(string shapeKey, IReadOnlyList<GroupMember> members)
    {
        if (members.Count != _parameters.Length || !string.Equals(shapeKey, _shapeKey, StringComparison.Ordinal))
        {
            return false;
        }

        for (int i = 0; i < _parameters.Length; i++)
        {
            if (!ReferenceEquals(members[i].Parameter, _parameters[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Starts this step's update of <paramref name="members"/>: reads their current values into
    /// the group's buffer (they may have changed since the last step: a load, another optimizer)
    /// and stacks their gradients. Returns the values to update in place and the gradient.
    /// </summary>
    public (Tensor Values, Tensor Grad) Begin(IReadOnlyList<GroupMember> members)
    {
        _members = members;
        var grads = new Tensor[members.Count];
        for (int i = 0; i < grads.Length; i++)
        {
            grads[i] = members[i].Grad;
        }

        _values.copy_(stack(_parameters));
        return (_values, stack(grads));
    }

    /// <summary>Ends the step: copies each updated row into its parameter's own storage.</summary>
    public void End()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].copy_(_valueRows[i]);
        }

        _members = [];
    }

    /// <inheritdoc />
    public long Step => _members[0].State.Step;

    /// <inheritdoc />
    public Tensor GetOrCreate(string key, Func<Tensor, Tensor> create) => TryGet(key) ?? Set(key, create(_values).detach());

    /// <summary>
    /// The members' state <paramref name="key"/> as one stack (every member has it, or none: groups
    /// are formed by the state keys present), restacked when a member's state tensor is no longer
    /// this stack's row (loading, a device move or a per-parameter update replaced it).
    /// </summary>
    public Tensor? TryGet(string key)
    {
        if (_members[0].State.TryGet(key) is null)
        {
            return null;
        }

        if (_state.TryGetValue(key, out var held) && RowsAreCurrent(key, held.Rows))
        {
            return held.Stacked;
        }

        return Set(key, stack(_members.Select(m => m.State.TryGet(key)!).ToList()).detach());
    }

    /// <summary>Stores <paramref name="value"/> (taking ownership) as the stacked state <paramref name="key"/>; each row becomes its member's state tensor.</summary>
    public Tensor Set(string key, Tensor value)
    {
        var stacked = value.DetachFromDisposeScope();
        var rows = stacked.unbind(0);
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = _members[i].State.Set(key, rows[i]);
        }

        if (_state.TryGetValue(key, out var old))
        {
            old.Stacked.Dispose(); // the wrapper only: the rows belong to the members' states
        }

        _state[key] = (stacked, rows);
        return stacked;
    }

    private bool RowsAreCurrent(string key, Tensor[] rows)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if (!ReferenceEquals(_members[i].State.TryGet(key), rows[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Releases the value buffer and the stacks' wrappers; state rows still held by the members' states keep their storage alive.</summary>
    public void Dispose()
    {
        foreach (var row in _valueRows)
        {
            row.Dispose();
        }

        _values.Dispose();
        foreach (var (stacked, _) in _state.Values)
        {
            stacked.Dispose();
        }

        _state.Clear();
    }
}

/// <summary>A parameter taking part in a grouped update.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Parameter">The parameter.</param>
/// <param name="Grad">Its gradient.</param>
/// <param name="State">Its optimizer state (this update already counted).</param>
internal readonly record struct GroupMember(string Name, Parameter Parameter, Tensor Grad, ParameterState State);
