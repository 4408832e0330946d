namespace Ppl.Inference.Optim;

/// <summary>
/// The opt-in grouped update (<see cref="Optimizer.GroupedUpdates"/>): parameters with the same
/// dtype, device, shape, update count and state keys are updated as one stack by the optimizer's
/// own arithmetic (PyTorch's multi-tensor path), so the optimizer costs a few native calls per
/// group plus one copy per parameter instead of about nine calls per parameter. Owns its groups'
/// buffers (see <see cref="ParameterGroup"/>); nothing is registered outside it.
/// </summary>
internal sealed class GroupedUpdate : IDisposable
{
    // keyed by a group's first member: a parameter is in one group per step
    private readonly Dictionary<string, ParameterGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>
    /// Updates <paramref name="pending"/> with <paramref name="update"/> (values, gradient, state),
    /// a group at a time; a parameter without a partner is updated on its own. Call under no_grad
    /// and inside a dispose scope. Returns how many parameters were updated in groups.
    /// </summary>
    public int Run(IReadOnlyList<GroupMember> pending, Action<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, IUpdateState> update)
    {
        int grouped = 0;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var members in pending.GroupBy(m => (Shape: m.State.GroupKey(m.Parameter), m.State.Step, m.State.Keys)))
        {
            var list = members.ToList();
            if (list.Count == 1)
            {
                update(list[0].Parameter, list[0].Grad, list[0].State);
                continue;
            }

            string id = list[0].Name;
            used.Add(id);
            if (!_groups.TryGetValue(id, out var group) || !group.Matches(members.Key.Shape, list))
            {
                group?.Dispose();
                group = ParameterGroup.Create(members.Key.Shape, list);
                _groups[id] = group;
            }

            var (values, grad) = group.Begin(list);
            update(values, grad, group);
            group.End();
            grouped += list.Count;
        }

        // a group that did not form this step is stale: its members' state lives on in their rows
        foreach (var stale in _groups.Keys.Where(k => !used.Contains(k)).ToList())
        {
            _groups[stale].Dispose();
            _groups.Remove(stale);
        }

        return grouped;
    }

    /// <summary>Drops every group (state was replaced, or the optimizer is disposed).</summary>
    public void Dispose()
    {
        foreach (var group in _groups.Values)
        {
            group.Dispose();
        }

        _groups.Clear();
    }
}
