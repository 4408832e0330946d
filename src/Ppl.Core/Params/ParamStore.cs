using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Effects;
using Ppl.Handlers;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Params;

/// <summary>
/// Named learnable parameters, stored unconstrained (x = f⁻¹(value) for the constraint's
/// bijection f) and handed out constrained. An explicit object, not a global: activate it for a
/// model run with <see cref="Activate"/>. Owns its parameters (not those of registered modules).
/// </summary>
public sealed class ParamStore : IDisposable
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Parameter names in creation order.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>The unconstrained parameters, in creation order (what an optimizer updates).</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> Parameters => _order.Select(n => _entries[n].Unconstrained);

    /// <summary>Number of parameters.</summary>
    public int Count => _order.Count;

    /// <summary>Raised when a parameter is created, so optimizers can pick up parameters that appear mid-training.</summary>
    public event EventHandler<string>? ParameterAdded;

    /// <summary>Installs a handler that serves param sites from this store until the scope is disposed.</summary>
    public HandlerScope Activate() => new ParamStoreMessenger(this).Install();

    /// <summary>True when a parameter of that name exists.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The constrained value of <paramref name="name"/>, a fresh tensor in the current scope that carries gradients.</summary>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    public Tensor this[string name] => Constrain(Get(name));

    /// <summary>The unconstrained parameter behind <paramref name="name"/>.</summary>
    public TorchSharp.Modules.Parameter GetUnconstrained(string name) => Get(name).Unconstrained;

    /// <summary>The constraint of <paramref name="name"/>.</summary>
    public Constraint GetConstraint(string name) => Get(name).Constraint;

    /// <summary>
    /// The constrained value of <paramref name="name"/>, creating the parameter from
    /// <paramref name="spec"/> the first time it is asked for.
    /// </summary>
    /// <exception cref="InvalidOperationException">The parameter is new and <paramref name="spec"/> has no initial value.</exception>
    /// <exception cref="ArgumentException">The initial value lies outside the constraint.</exception>
    public Tensor GetOrCreate(string name, ParamSpec spec)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Existing is not null)
        {
            return Register(name, spec.Existing);
        }

        if (!_entries.TryGetValue(name, out var entry))
        {
            entry = Create(name, spec);
        }

        return spec.ShareStored && entry.Constraint.Equals(Constraints.Real) ? entry.Unconstrained : Constrain(entry);
    }

    /// <summary>
    /// Registers a parameter owned elsewhere (a module's). When the store already holds a value of
    /// that name (loaded or created earlier), the value is copied into <paramref name="parameter"/>,
    /// as Pyro's <c>module</c> does, so loading a store restores modules too.
    /// </summary>
    /// <exception cref="InvalidOperationException">The stored value has another shape.</exception>
    public Tensor Register(string name, TorchSharp.Modules.Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        if (_entries.TryGetValue(name, out var existing))
        {
            if (ReferenceEquals(existing.Unconstrained, parameter))
            {
                return parameter.alias();
            }

            if (!ShapeUtil.SameShape(existing.Unconstrained.Shape(), parameter.Shape()))
            {
                throw new InvalidOperationException(
                    $"ParamStore: module parameter '{name}' has shape {ShapeUtil.Format(parameter.Shape())} but the store holds {ShapeUtil.Format(existing.Unconstrained.Shape())}.");
            }

            using (no_grad())
            {
                parameter.copy_(existing.Unconstrained);
            }

            if (existing.Owned)
            {
                existing.Unconstrained.Dispose();
            }

            _entries[name] = new Entry(parameter, Constraints.Real, 0, Owned: false);
        }
        else
        {
            Add(name, new Entry(parameter, Constraints.Real, 0, Owned: false));
        }

        return parameter.alias();
    }

    /// <summary>Removes every parameter, disposing those the store owns.</summary>
    public void Clear()
    {
        foreach (var entry in _entries.Values.Where(e => e.Owned))
        {
            entry.Unconstrained.Dispose();
        }

        _entries.Clear();
        _order.Clear();
    }

    /// <summary>Writes every parameter (unconstrained values, constraints) to <paramref name="path"/>.</summary>
    public void Save(string path) => ParamStoreFile.Write(path, _order.Select(n => (n, _entries[n].Constraint, _entries[n].EventDim, (Tensor)_entries[n].Unconstrained)));

    /// <summary>
    /// Reads parameters saved by <see cref="Save"/>. Existing parameters are overwritten in place
    /// (their shape and constraint must match); new ones are created on <paramref name="device"/>
    /// (CPU when null). The file is read and checked whole before anything changes.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a Ppl parameter file or is damaged.</exception>
    /// <exception cref="InvalidOperationException">A saved parameter disagrees in shape, dtype or constraint with the store.</exception>
    public void Load(string path, Device? device = null)
    {
        var records = ParamStoreFile.Read(path);
        foreach (var r in records)
        {
            if (_entries.TryGetValue(r.Name, out var e))
            {
                if (!ShapeUtil.SameShape(e.Unconstrained.Shape(), r.Shape) || e.Unconstrained.dtype != r.DType || !e.Constraint.Equals(r.Constraint))
                {
                    throw new InvalidOperationException(
                        $"ParamStore.Load: '{r.Name}' is {ShapeUtil.Format(r.Shape)} {r.DType} {r.Constraint} in {path} but {ShapeUtil.Format(e.Unconstrained.Shape())} {e.Unconstrained.dtype} {e.Constraint} in the store.");
                }
            }
        }

        foreach (var r in records)
        {
            using var scope = NewDisposeScope();
            var cpu = r.ToTensor();
            if (_entries.TryGetValue(r.Name, out var e))
            {
                using (no_grad())
                {
                    e.Unconstrained.copy_(cpu);
                }
            }
            else
            {
                var data = cpu.to(device ?? CPU).detach().clone();
                var p = new TorchSharp.Modules.Parameter(data, requires_grad: true);
                p.DetachFromDisposeScope();
                Add(r.Name, new Entry(p, r.Constraint, r.EventDim, Owned: true));
            }
        }
    }

    /// <summary>Disposes the parameters the store owns.</summary>
    public void Dispose() => Clear();

    private Entry Get(string name) => _entries.TryGetValue(name, out var e)
        ? e
        : throw new KeyNotFoundException($"ParamStore has no parameter '{name}'; it has: {string.Join(", ", _order)}.");

    private static Tensor Constrain(Entry entry) =>
        entry.Constraint.Equals(Constraints.Real)
            ? entry.Unconstrained.alias()
            : Bijectors.BijectTo(entry.Constraint).Forward(entry.Unconstrained);

    private Entry Create(string name, ParamSpec spec)
    {
        if (spec.Init is null)
        {
            throw new InvalidOperationException($"Param '{name}' is not in the store and has no initial value.");
        }

        TorchSharp.Modules.Parameter parameter;
        using (no_grad())
        {
            var init = spec.Init() ?? throw new InvalidOperationException($"Param '{name}': the initial value function returned null.");
            if (Distribution.ValidationEnabled && init.device.type != DeviceType.META && !spec.Constraint.Check(init).all().ToBoolean())
            {
                throw new ArgumentException($"Param '{name}': initial value of shape {ShapeUtil.Format(init.Shape())} is outside the constraint {spec.Constraint}.");
            }

            // clone: the parameter must own its storage, never alias the caller's tensor
            var unconstrained = Bijectors.BijectTo(spec.Constraint).Inverse(init).detach().clone();
            parameter = new TorchSharp.Modules.Parameter(unconstrained, requires_grad: true);
            parameter.DetachFromDisposeScope();
        }

        var entry = new Entry(parameter, spec.Constraint, spec.EventDim, Owned: true);
        Add(name, entry);
        return entry;
    }

    private void Add(string name, Entry entry)
    {
        _entries.Add(name, entry);
        _order.Add(name);
        ParameterAdded?.Invoke(this, name);
    }

    private sealed record Entry(TorchSharp.Modules.Parameter Unconstrained, Constraint Constraint, int EventDim, bool Owned);
}
