using Ppl.Params;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Inference.Optim;

/// <summary>
/// An optimizer over named parameters in the style of Pyro's <c>pyro.optim</c>: state is created
/// lazily per parameter NAME the first time that parameter has a gradient, so parameters that
/// appear mid-training (a guide growing new sites) are picked up without re-creating the
/// optimizer, and a checkpoint can be matched to parameters by name. The update math is our own
/// (following PyTorch's single-tensor implementations op for op) rather than TorchSharp's
/// optimizer classes, which key state by native handle and have no ClippedAdam.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<string, ParameterState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Group, string Key), FusedState> _fused = [];
    private readonly Dictionary<string, FusedValues> _fusedValues = new(StringComparer.Ordinal);
    private readonly Dictionary<double, Scalar> _constants = [];
    private OptimizerOptions _defaults;
    private bool _disposed;

    private protected Optimizer(string name, OptimizerOptions defaults)
    {
        Name = name;
        defaults.Validate(name, parameterName: null);
        _defaults = defaults;
    }

    /// <summary>The optimizer's kind, used in messages and recorded in saved state.</summary>
    public string Name { get; }

    /// <summary>The hyperparameters every parameter gets unless <see cref="PerParameter"/> overrides them.</summary>
    public OptimizerOptions Defaults => _defaults;

    /// <summary>Base learning rate, before <see cref="Schedule"/> and per-parameter overrides.</summary>
    /// <exception cref="ArgumentException">Set to a negative value.</exception>
    public double LearningRate
    {
        get => _defaults.LearningRate!.Value;
        set
        {
            var updated = _defaults with { LearningRate = value };
            updated.Validate(Name, parameterName: null);
            _defaults = updated;
        }
    }

    /// <summary>Completed calls to <see cref="Step(IEnumerable{ValueTuple{string, Parameter}})"/>; the clock of <see cref="Schedule"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// Optional learning-rate schedule, evaluated with <see cref="StepCount"/> and each parameter's
    /// base learning rate before every update. Not saved by <see cref="Save"/>: it is code, so the
    /// resuming program sets it again; the saved step count makes it continue where it stopped.
    /// </summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>
    /// Optional per-parameter overrides, like Pyro's callable optimizer arguments: called with a
    /// parameter's name on every update, and the properties it sets replace the defaults for that
    /// parameter (null means no override). Called on every step rather than cached so it may
    /// change its answer during training.
    /// </summary>
    public Func<string, OptimizerOptions?>? PerParameter { get; set; }

    /// <summary>Names of the parameters the optimizer holds state for.</summary>
    public IReadOnlyCollection<string> StateNames => _states.Keys;

    /// <summary>
    /// Updates, in place, every parameter whose gradient is not null; parameters without a gradient
    /// are skipped (they did not take part in this loss). The caller zeroes the gradients
    /// afterwards (<see cref="ZeroGrad"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A name occurs twice, or a per-parameter override is out of range.</exception>
    /// <exception cref="InvalidOperationException">Loaded or earlier state does not fit a parameter of the same name.</exception>
    public void Step(IEnumerable<(string Name, Parameter Parameter)> parameters) => Step(parameters, beforeUpdate: null);

    /// <summary>
    /// <see cref="Step(IEnumerable{ValueTuple{string, Parameter}})"/> with a check that sees every
    /// gradient before any parameter or state changes; when it throws, nothing is updated.
    /// </summary>
    internal void Step(IEnumerable<(string Name, Parameter Parameter)> parameters, Action<IReadOnlyList<(string Name, Tensor Grad)>>? beforeUpdate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var withGrad = new List<(string Name, Parameter Parameter, Tensor Grad)>();
        List<FusedItem>? pending = null;
        // The scope frees every temporary of the update at once; state tensors are detached from it.
        using (NewDisposeScope())
        using (no_grad())
        {
            foreach (var (name, parameter) in parameters)
            {
                ArgumentNullException.ThrowIfNull(name);
                ArgumentNullException.ThrowIfNull(parameter);
                if (!seen.Add(name))
                {
                    throw new ArgumentException($"{Name}.Step: parameter name '{name}' occurs twice; state is kept by name.", nameof(parameters));
                }

                // parameters without a gradient did not take part in this loss
                if (parameter.grad is { } grad)
                {
                    withGrad.Add((name, parameter, grad));
                }
            }

            beforeUpdate?.Invoke(withGrad.ConvertAll(g => (g.Name, g.Grad)));
            foreach (var (name, parameter, grad) in withGrad)
            {
                var options = OptionsFor(name);
                if (!_states.TryGetValue(name, out var state))
                {
                    state = new ParameterState();
                    _states.Add(name, state);
                }

                state.EnsureFits(parameter, name, Name);
                double lr = options.LearningRate!.Value;
                if (Schedule is not null)
                {
                    lr = Schedule.Evaluate(StepCount, lr);
                }

                state.Step++;
                if (SupportsFusedUpdate && ReferenceEquals(options, _defaults))
                {
                    (pending ??= []).Add(new FusedItem(name, parameter, grad, state));
                    continue;
                }

                Update(parameter, grad, state, options, lr);
            }

            if (pending is not null)
            {
                UpdateGroups(pending);
            }
        }

        StepCount++;
    }

    /// <summary>
    /// Updates parameters with default options a group at a time: same dtype, device, shape and
    /// update count. Per-parameter updates cost about nine native calls each, which dominates
    /// steps of models with many small parameters; a group costs about as many in all.
    /// </summary>
    private void UpdateGroups(List<FusedItem> pending)
    {
        double lr = _defaults.LearningRate!.Value;
        if (Schedule is not null)
        {
            lr = Schedule.Evaluate(StepCount, lr);
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in pending.GroupBy(GroupKey))
        {
            var items = group.ToList();
            if (items.Count == 1)
            {
                Update(items[0].Parameter, items[0].Grad, items[0].State, _defaults, lr);
                continue;
            }

            // a parameter is in one group per step, so its first member names a group's stacks
            used.Add(items[0].Name);
            UpdateFused(items[0].Name, items, _defaults, lr);
        }

        // stacks of groups that did not take part are stale: their rows live on in the states
        foreach (var stale in _fused.Keys.Where(k => !used.Contains(k.Group)).ToList())
        {
            _fused[stale].Dispose();
            _fused.Remove(stale);
        }

        foreach (var stale in _fusedValues.Keys.Where(k => !used.Contains(k)).ToList())
        {
            _fusedValues[stale].Dispose();
            _fusedValues.Remove(stale);
        }
    }

    private static string GroupKey(FusedItem item) => $"{item.State.GroupKey(item.Parameter)}|{item.State.Step}";

    /// <summary>
    /// The stacked state <paramref name="key"/> of a group (see <see cref="FusedState"/>), rebuilt
    /// when the group or its states changed since the last step.
    /// </summary>
    private protected Tensor GroupState(string groupKey, IReadOnlyList<FusedItem> items, string key)
    {
        var cacheKey = (groupKey, key);
        if (_fused.TryGetValue(cacheKey, out var fused) && fused.Matches(items, key))
        {
            return fused.Stacked;
        }

        fused?.Dispose();
        fused = FusedState.Build(items, key);
        _fused[cacheKey] = fused;
        return fused.Stacked;
    }

    /// <summary>
    /// The stacked values of a group (see <see cref="FusedValues"/>): the parameters' own storage,
    /// so an in-place update of it is the update of every member. Rebuilt when the group changed.
    /// </summary>
    private protected Tensor GroupValues(string groupKey, IReadOnlyList<FusedItem> items)
    {
        if (_fusedValues.TryGetValue(groupKey, out var values) && values.Matches(items))
        {
            return values.Stacked;
        }

        values?.Dispose();
        values = FusedValues.Build(items);
        _fusedValues[groupKey] = values;
        return values.Stacked;
    }

    /// <summary>
    /// A native scalar for a hyperparameter value, made once and kept until the optimizer is
    /// disposed (a handful of values per optimizer: creating and freeing them on every update is
    /// two native calls each).
    /// </summary>
    private protected Scalar Constant(double value)
    {
        if (!_constants.TryGetValue(value, out var scalar))
        {
            scalar = value.ToScalar();
            _constants.Add(value, scalar);
        }

        return scalar;
    }

    /// <summary>Whether <see cref="UpdateFused"/> is implemented (parameters with default options then go through it).</summary>
    private protected virtual bool SupportsFusedUpdate => false;

    /// <summary>
    /// One in-place update of several same-shaped parameters with the same options and update
    /// count, giving exactly what <see cref="Update"/> gives each of them.
    /// </summary>
    private protected virtual void UpdateFused(string groupKey, IReadOnlyList<FusedItem> items, OptimizerOptions options, double lr) =>
        throw new NotSupportedException($"{Name} has no fused update.");

    /// <summary>Steps every parameter of <paramref name="store"/> (their unconstrained values), by name.</summary>
    public void Step(ParamStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Step(store.Names.Select(n => (n, store.GetUnconstrained(n))));
    }

    /// <summary>
    /// The learning rate the next update of <paramref name="parameterName"/> would use (schedule
    /// and overrides applied; ClippedAdam's per-update decay is not), or of a parameter without
    /// overrides when null.
    /// </summary>
    public double CurrentLearningRate(string? parameterName = null)
    {
        double lr = (parameterName is null ? _defaults : OptionsFor(parameterName)).LearningRate!.Value;
        return Schedule is null ? lr : Schedule.Evaluate(StepCount, lr);
    }

    /// <summary>
    /// Clears the gradients by setting them to null (PyTorch's default), so a parameter that
    /// takes no part in the next loss is skipped by the next step instead of being moved by
    /// stale momentum on a zero gradient.
    /// </summary>
    public static void ZeroGrad(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters)
        {
            // set without reading first: the getter would wrap the native gradient in a new
            // Tensor (a native call and a wrapper to dispose) only to test it for null
            p.grad = null;
        }
    }

    /// <summary>
    /// Writes the step count and every parameter's update count and state tensors, by name, to
    /// <paramref name="path"/> in Ppl's optimizer state format (raw tensor bytes, so a resumed run
    /// is bit-identical, and a checksum). Hyperparameters, <see cref="Schedule"/> and
    /// <see cref="PerParameter"/> are code and are not saved. The file is replaced atomically:
    /// the new content goes to a temporary file in the same folder and is renamed over
    /// <paramref name="path"/> only once it is complete on disk, so a save that fails part way
    /// leaves the previous file as it was.
    /// </summary>
    public void Save(string path) => SaveWithChecksum(path);

    /// <summary>
    /// Replaces all state with what <see cref="Save"/> wrote to <paramref name="path"/>. Tensors are
    /// placed on <paramref name="device"/> (CPU when null) and moved to their parameter's device on
    /// its next update. The whole file is read and checked (checksum, structure, optimizer kind)
    /// before anything changes: when this throws, the optimizer is as it was.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an optimizer state file of this version, or is damaged (checksum mismatch, a name or state key twice, sizes beyond the file); the message starts with the path.</exception>
    /// <exception cref="InvalidOperationException">The file was written by another kind of optimizer.</exception>
    public void Load(string path, Device? device = null)
    {
        using var pending = PrepareLoad(path, device);
        Commit(pending);
    }

    /// <summary><see cref="Save"/>, returning the checksum stored in the file.</summary>
    internal ulong SaveWithChecksum(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return OptimizerStateFile.Write(path, Name, StepCount, _states.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
    }

    /// <summary>
    /// The first half of <see cref="Load"/>: reads and checks the whole file and makes the state
    /// tensors, changing nothing; <see cref="Commit"/> applies the result.
    /// </summary>
    internal PendingOptimizerLoad PrepareLoad(string path, Device? device)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (contents, checksum) = OptimizerStateFile.Read(path);
        if (contents.Kind != Name)
        {
            throw new InvalidOperationException($"{Name}.Load: {path} holds the state of a {contents.Kind} optimizer.");
        }

        var states = new Dictionary<string, ParameterState>(StringComparer.Ordinal);
        var pending = new PendingOptimizerLoad(this, path, checksum, contents.StepCount, states);
        try
        {
            foreach (var p in contents.Parameters)
            {
                var state = new ParameterState { Step = p.Step };
                states.Add(p.Name, state);
                foreach (var (key, value) in p.Tensors)
                {
                    using var scope = NewDisposeScope();
                    state.Set(key, value.ToCpuTensor().to(device ?? CPU).detach().clone());
                }
            }
        }
        catch
        {
            pending.Dispose();
            throw;
        }

        return pending;
    }

    /// <summary>The second half of <see cref="Load"/>: replaces all state with what <see cref="PrepareLoad"/> checked.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="pending"/> was prepared for another optimizer.</exception>
    internal void Commit(PendingOptimizerLoad pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(pending.Target, this))
        {
            throw new InvalidOperationException($"{Name}.Load: {pending.Path} was checked for another optimizer.");
        }

        ClearState();
        foreach (var (name, state) in pending.States)
        {
            _states.Add(name, state);
        }

        pending.MarkApplied();
        StepCount = pending.StepCount;
    }

    /// <summary>Disposes the state tensors.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the state tensors when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            ClearState();
            foreach (var scalar in _constants.Values)
            {
                scalar.Dispose();
            }

            _constants.Clear();
        }

        _disposed = true;
    }

    /// <summary>
    /// One in-place update of <paramref name="parameter"/>, under no_grad and inside a dispose
    /// scope. <paramref name="state"/>'s step already counts this update; <paramref name="lr"/> has
    /// the schedule applied.
    /// </summary>
    private protected abstract void Update(Parameter parameter, Tensor grad, ParameterState state, OptimizerOptions options, double lr);

    private OptimizerOptions OptionsFor(string name)
    {
        var overrides = PerParameter?.Invoke(name);
        if (overrides is null)
        {
            return _defaults;
        }

        overrides.Validate(Name, name);
        return _defaults.OverriddenBy(overrides);
    }

    private void ClearState()
    {
        foreach (var f in _fused.Values)
        {
            f.Dispose();
        }

        _fused.Clear();
        foreach (var v in _fusedValues.Values)
        {
            v.Dispose();
        }

        _fusedValues.Clear();
        foreach (var s in _states.Values)
        {
            s.Dispose();
        }

        _states.Clear();
    }
}
