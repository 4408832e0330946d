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

    /// <summary>The store of the innermost <see cref="Activate"/> scope in this flow of control, or null when none is active.</summary>
    public static ParamStore? Active => HandlerStack.Current.OfType<ParamStoreMessenger>().LastOrDefault()?.Store;

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
    public Tensor GetOrCreate(string name, ParamSpec spec) => GetOrCreate(name, spec, out _);

    /// <summary>
    /// <see cref="GetOrCreate(string, ParamSpec)"/>, also giving the unconstrained parameter when
    /// the value is exp of it (<paramref name="expPreimage"/>, for the param site to record; null otherwise).
    /// </summary>
    internal Tensor GetOrCreate(string name, ParamSpec spec, out Tensor? expPreimage)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(spec);
        expPreimage = null;
        if (spec.Existing is not null)
        {
            return Register(name, spec.Existing, spec.Constraint, spec.EventDim, spec.Owner);
        }

        if (!_entries.TryGetValue(name, out var entry))
        {
            entry = Create(name, spec);
        }

        if (entry.Constraint.Equals(Constraints.Real))
        {
            return spec.ShareStored ? entry.Unconstrained : entry.Unconstrained.alias();
        }

        var transform = Bijectors.BijectTo(entry.Constraint);
        expPreimage = transform is ExpTransform ? entry.Unconstrained : null;
        return transform.Forward(entry.Unconstrained);
    }

    /// <summary>
    /// Registers a parameter owned elsewhere (a module's). When the store already holds a value of
    /// that name (loaded or created earlier), the value is copied into <paramref name="parameter"/>,
    /// as Pyro's <c>module</c> does, so loading a store restores modules too. A parameter registered
    /// this way, without its module, cannot be moved by <see cref="To"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The stored value has another shape.</exception>
    public Tensor Register(string name, TorchSharp.Modules.Parameter parameter) => Register(name, parameter, Constraints.Real, null, null);

    /// <summary>
    /// <see cref="Register(string, TorchSharp.Modules.Parameter)"/> for an unconstrained parameter
    /// whose value is read through <paramref name="constraint"/>, with the module that holds it
    /// (for <see cref="To"/>); returns the constrained value.
    /// </summary>
    /// <exception cref="InvalidOperationException">The stored value has another shape or constraint.</exception>
    internal Tensor Register(string name, TorchSharp.Modules.Parameter parameter, Constraint constraint, int? eventDim, ParameterOwner? owner)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(constraint);
        var entry = new Entry(parameter, constraint, eventDim ?? 0, Owned: false, owner);
        if (_entries.TryGetValue(name, out var existing))
        {
            if (ReferenceEquals(existing.Unconstrained, parameter))
            {
                if (owner is not null && existing.Owner is null)
                {
                    _entries[name] = existing with { Owner = owner };
                }

                return Constrain(existing);
            }

            if (!ShapeUtil.SameShape(existing.Unconstrained.Shape(), parameter.Shape()))
            {
                throw new InvalidOperationException(
                    $"ParamStore: module parameter '{name}' has shape {ShapeUtil.Format(parameter.Shape())} but the store holds {ShapeUtil.Format(existing.Unconstrained.Shape())}.");
            }

            if (!existing.Constraint.Equals(constraint))
            {
                throw new InvalidOperationException(
                    $"ParamStore: module parameter '{name}' is constrained to {constraint} but the store holds it constrained to {existing.Constraint}.");
            }

            using (no_grad())
            {
                parameter.copy_(existing.Unconstrained);
            }

            if (existing.Owned)
            {
                existing.Unconstrained.Dispose();
            }

            _entries[name] = entry;
        }
        else
        {
            Add(name, entry);
        }

        return Constrain(entry);
    }

    /// <summary>
    /// Moves every parameter to <paramref name="device"/>: the store's own are replaced by copies
    /// there (the old ones disposed), and each module whose parameters the store holds is moved
    /// with TorchSharp's <c>Module.to</c> (which replaces the module's parameter objects), after
    /// which the store holds the module's new parameters, so store and module keep computing with
    /// the same tensors. Optimizer state is not moved (its tensors stay where they were).
    /// </summary>
    /// <exception cref="InvalidOperationException">A parameter was registered without its module (<see cref="Register(string, TorchSharp.Modules.Parameter)"/>); nothing is moved.</exception>
    public void To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var loose = _order.Where(n => _entries[n] is { Owned: false, Owner: null }).ToList();
        if (loose.Count > 0)
        {
            throw new InvalidOperationException(
                $"ParamStore.To: '{string.Join("', '", loose)}' {(loose.Count == 1 ? "was" : "were")} registered without {(loose.Count == 1 ? "its" : "their")} module, which the store cannot move; register module parameters through Primitives.Module.");
        }

        var modules = _order.Select(n => _entries[n].Owner?.Module).OfType<nn.Module>().Distinct(ReferenceEqualityComparer.Instance).Cast<nn.Module>().ToList();
        foreach (var module in modules)
        {
            module.to(device);
        }

        foreach (var name in _order)
        {
            var entry = _entries[name];
            if (entry.Owner is { } owner)
            {
                _entries[name] = entry with { Unconstrained = owner.Find() };
                continue;
            }

            if (IsOn(entry.Unconstrained, device))
            {
                continue;
            }

            TorchSharp.Modules.Parameter moved;
            using (NewDisposeScope())
            using (no_grad())
            {
                moved = new TorchSharp.Modules.Parameter(entry.Unconstrained.detach().to(device).clone(), requires_grad: true);
                moved.DetachFromDisposeScope();
            }

            entry.Unconstrained.Dispose();
            _entries[name] = entry with { Unconstrained = moved };
        }
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

    /// <summary>
    /// Writes every parameter (unconstrained values, constraints) to <paramref name="path"/>, with
    /// a checksum. The file is replaced atomically: the new content goes to a temporary file in
    /// the same folder and is renamed over <paramref name="path"/> only once it is complete on
    /// disk, so a save that fails part way leaves the previous file as it was, and a concurrent
    /// <see cref="Load"/> reads either the old file or the new one.
    /// </summary>
    /// <exception cref="NotSupportedException">A constraint with tensor bounds, which a file cannot hold; nothing is written.</exception>
    public void Save(string path) => SaveWithChecksum(path);

    /// <summary>
    /// Reads parameters saved by <see cref="Save"/>. Existing parameters are overwritten in place
    /// (their shape and constraint must match); new ones are created on <paramref name="device"/>
    /// (CPU when null). The whole file is read and checked (checksum, structure, agreement with
    /// the store) before anything changes: when this throws, the store is as it was.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a Ppl parameter file of this version, or is damaged (checksum mismatch, a parameter named twice, sizes beyond the file); the message starts with the path.</exception>
    /// <exception cref="InvalidOperationException">A saved parameter disagrees in shape, dtype or constraint with the store.</exception>
    public void Load(string path, Device? device = null)
    {
        using var pending = PrepareLoad(path, device);
        Commit(pending);
    }

    /// <summary><see cref="Save"/>, returning the checksum stored in the file.</summary>
    internal ulong SaveWithChecksum(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ParamStoreFile.Write(path, _order.Select(n => (n, _entries[n].Constraint, _entries[n].EventDim, (Tensor)_entries[n].Unconstrained)));
    }

    /// <summary>
    /// The first half of <see cref="Load"/>: reads and checks the whole file against this store and
    /// makes every tensor it will need, changing nothing; <see cref="Commit"/> applies the result.
    /// </summary>
    internal PendingParamLoad PrepareLoad(string path, Device? device)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (records, checksum) = ParamStoreFile.Read(path);
        foreach (var r in records)
        {
            if (_entries.TryGetValue(r.Name, out var e)
                && (!ShapeUtil.SameShape(e.Unconstrained.Shape(), r.Value.Shape) || e.Unconstrained.dtype != r.Value.DType || !e.Constraint.Equals(r.Constraint)))
            {
                throw new InvalidOperationException(
                    $"ParamStore.Load: '{r.Name}' is {ShapeUtil.Format(r.Value.Shape)} {r.Value.DType} {r.Constraint} in {path} but {ShapeUtil.Format(e.Unconstrained.Shape())} {e.Unconstrained.dtype} {e.Constraint} in the store.");
            }
        }

        var items = new List<PendingParamLoad.Item>(records.Count);
        var pending = new PendingParamLoad(this, path, checksum, items);
        try
        {
            foreach (var r in records)
            {
                using var scope = NewDisposeScope();
                var cpu = r.Value.ToCpuTensor();
                bool replaces = _entries.ContainsKey(r.Name);

                // an existing parameter gets the values copied into its own storage; a new one is
                // made from its own copy on the target device (the Parameter itself on commit)
                var value = replaces ? cpu : cpu.to(device ?? CPU).detach().clone();
                items.Add(new PendingParamLoad.Item(r.Name, r.Constraint, r.EventDim, value.DetachFromDisposeScope(), replaces));
            }
        }
        catch
        {
            pending.Dispose();
            throw;
        }

        return pending;
    }

    /// <summary>
    /// The second half of <see cref="Load"/>: applies what <see cref="PrepareLoad"/> checked. Does
    /// nothing that can fail on account of the file.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="pending"/> was prepared for another store, or the store gained or lost one of its parameters since.</exception>
    internal void Commit(PendingParamLoad pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (!ReferenceEquals(pending.Target, this) || pending.Items.Any(i => i.Replaces != _entries.ContainsKey(i.Name)))
        {
            throw new InvalidOperationException($"ParamStore.Load: the store changed between checking {pending.Path} and applying it.");
        }

        foreach (var item in pending.Items.Where(i => i.Replaces))
        {
            using (no_grad())
            {
                _entries[item.Name].Unconstrained.copy_(item.Value);
            }
        }

        pending.MarkApplied();
        foreach (var item in pending.Items.Where(i => !i.Replaces))
        {
            // the Parameter takes over the value's native tensor
            var parameter = new TorchSharp.Modules.Parameter(item.Value, requires_grad: true);
            parameter.DetachFromDisposeScope();
            Add(item.Name, new Entry(parameter, item.Constraint, item.EventDim, Owned: true));
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

        var entry = new Entry(parameter, spec.Constraint, spec.EventDim ?? 0, Owned: true);
        Add(name, entry);
        return entry;
    }

    private void Add(string name, Entry entry)
    {
        _entries.Add(name, entry);
        _order.Add(name);
        ParameterAdded?.Invoke(this, name);
    }

    private static bool IsOn(Tensor tensor, Device device) =>
        tensor.device_type == device.type && (device.type != DeviceType.CUDA || tensor.device_index == Math.Max(device.index, 0));

    private sealed record Entry(TorchSharp.Modules.Parameter Unconstrained, Constraint Constraint, int EventDim, bool Owned, ParameterOwner? Owner = null);
}
