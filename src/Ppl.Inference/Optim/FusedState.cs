using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>
/// One state tensor (e.g. Adam's <c>exp_avg</c>) of a group of same-shaped parameters, stored as
/// one stacked tensor whose rows ARE the per-parameter state tensors (views into it). A fused
/// update changes all rows with a handful of in-place ops on the stack, while
/// <see cref="ParameterState"/> still holds each parameter's state under its name for saving,
/// loading and shape checks.
/// </summary>
internal sealed class FusedState : IDisposable
{
    private readonly string[] _names;
    private readonly Tensor _stacked;
    private readonly Tensor[] _rows;

    private FusedState(string[] names, Tensor stacked, Tensor[] rows)
    {
        _names = names;
        _stacked = stacked;
        _rows = rows;
    }

    /// <summary>The stacked state, shape <c>[count, ..parameter shape]</c>.</summary>
    public Tensor Stacked => _stacked;

    /// <summary>
    /// True while the group is the same parameters in the same order and every parameter's state
    /// under <paramref name="key"/> is still this stack's row (loading, device moves and
    /// per-parameter updates replace state tensors, which makes the stack stale).
    /// </summary>
    public bool Matches(IReadOnlyList<FusedItem> items, string key)
    {
        if (items.Count != _names.Length)
        {
            return false;
        }

        for (int i = 0; i < _names.Length; i++)
        {
            if (!string.Equals(items[i].Name, _names[i], StringComparison.Ordinal) || !ReferenceEquals(items[i].State.TryGet(key), _rows[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Stacks the current state of <paramref name="items"/> under <paramref name="key"/> (zeros
    /// where a parameter has none yet) and makes each row the parameter's state tensor.
    /// </summary>
    public static FusedState Build(IReadOnlyList<FusedItem> items, string key)
    {
        Tensor stacked;
        using (NewDisposeScope())
        {
            stacked = stack(items.Select(i => i.State.TryGet(key) ?? zeros_like(i.Parameter)).ToList()).detach().MoveToOuterDisposeScope();
        }

        stacked.DetachFromDisposeScope();
        var rows = stacked.unbind(0);
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = items[i].State.Set(key, rows[i]);
        }

        return new FusedState([.. items.Select(i => i.Name)], stacked, rows);
    }

    /// <summary>Releases the stack's wrapper; rows still held by parameter states keep the storage alive.</summary>
    public void Dispose() => _stacked.Dispose();
}

/// <summary>A parameter taking part in a fused update.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Parameter">The parameter.</param>
/// <param name="Grad">Its gradient.</param>
/// <param name="State">Its optimizer state (step already counted).</param>
internal readonly record struct FusedItem(string Name, TorchSharp.Modules.Parameter Parameter, Tensor Grad, ParameterState State);
