using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Inference.Optim;

/// <summary>
/// The values of a group of same-shaped parameters kept in one stacked buffer: each parameter
/// is re-pointed (<c>set_</c>, under no_grad) at its row, so it stays the same leaf object with
/// the same name, value and gradient, while a fused update changes every member in place with
/// no stack before it and no copy back after it.
/// </summary>
/// <remarks>
/// Re-pointing happens once, when the group first forms (or changes). A view of a parameter
/// taken before that (e.g. a value read from the param store) keeps the old storage and no
/// longer follows training; values read after it do.
/// </remarks>
internal sealed class FusedValues : IDisposable
{
    // which buffer each parameter was last re-pointed at, across optimizers (weak: no parameter is kept alive)
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Parameter, FusedValues> Owners = [];
    private readonly Parameter[] _members;
    private readonly Tensor _stacked;

    private FusedValues(Parameter[] members, Tensor stacked)
    {
        _members = members;
        _stacked = stacked;
    }

    /// <summary>The stacked values, shape <c>[count, ..parameter shape]</c>; its rows are the parameters' storage.</summary>
    public Tensor Stacked => _stacked;

    /// <summary>
    /// True while the group is the same parameter objects in the same order and each still lives
    /// in this buffer (another optimizer over the same parameters re-points them at its own).
    /// </summary>
    public bool Matches(IReadOnlyList<FusedItem> items)
    {
        if (items.Count != _members.Length)
        {
            return false;
        }

        for (int i = 0; i < _members.Length; i++)
        {
            if (!ReferenceEquals(items[i].Parameter, _members[i]) || !Owners.TryGetValue(_members[i], out var owner) || !ReferenceEquals(owner, this))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Stacks the current values of <paramref name="items"/> and re-points each parameter at its row (call under no_grad).</summary>
    public static FusedValues Build(IReadOnlyList<FusedItem> items)
    {
        Tensor stacked;
        using (NewDisposeScope())
        {
            stacked = stack(items.Select(i => (Tensor)i.Parameter.detach()).ToList()).MoveToOuterDisposeScope();
            stacked.DetachFromDisposeScope();
            var rows = stacked.unbind(0);
            for (int i = 0; i < rows.Length; i++)
            {
                items[i].Parameter.set_(rows[i]);
            }
        }

        var values = new FusedValues([.. items.Select(i => i.Parameter)], stacked);
        foreach (var item in items)
        {
            Owners.AddOrUpdate(item.Parameter, values);
        }

        return values;
    }

    /// <summary>Releases the buffer's wrapper; the parameters keep the storage alive.</summary>
    public void Dispose() => _stacked.Dispose();
}
