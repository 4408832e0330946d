using Ppl.Params;
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
/// <remarks>
/// A step updates each parameter in place, in its own storage, so views of a parameter follow
/// training. <see cref="GroupedUpdates"/> computes the same numbers with fewer native calls.
/// </remarks>
public abstract partial class Optimizer : IDisposable
{
    private readonly Dictionary<string, ParameterState> _states = new(StringComparer.Ordinal);
    private readonly GroupedUpdate _grouped = new();
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

    /// <summary>
    /// Whether <see cref="Step(IEnumerable{ValueTuple{string, Parameter}})"/> updates parameters
    /// without overrides a group at a time (PyTorch's multi-tensor path): parameters of the same
    /// dtype, device, shape and update count are stacked, updated by the same arithmetic, and each
    /// row is copied back into its parameter's own storage. The numbers are identical to the
    /// per-parameter loop (bit for bit) and parameters are not re-pointed, so views of them keep
    /// following training; the optimizer keeps a buffer per group. Worth it for many small
    /// parameters (a per-parameter update costs about nine native calls, a group about as many in
    /// all plus one copy per member). Off by default; <see cref="Svi{TArgs}"/> always groups.
    /// Ignored while <see cref="FastPaths.Enabled"/> is false.
    /// </summary>
    public bool GroupedUpdates { get; set; }

    /// <summary>Names of the parameters the optimizer holds state for.</summary>
    public IReadOnlyCollection<string> StateNames => _states.Keys;

    /// <summary>
    /// Updates, in place, every parameter whose gradient is not null; parameters without a gradient
    /// are skipped (they did not take part in this loss). The caller zeroes the gradients
    /// afterwards (<see cref="ZeroGrad"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A name occurs twice, or a per-parameter override is out of range.</exception>
    /// <exception cref="InvalidOperationException">Loaded or earlier state does not fit a parameter of the same name.</exception>
    public void Step(IEnumerable<(string Name, Parameter Parameter)> parameters) => Step(parameters, beforeUpdate: null, GroupedUpdates);

    /// <summary>Steps every parameter of <paramref name="store"/> (their unconstrained values), by name.</summary>
    public void Step(ParamStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Step(store.Names.Select(n => (n, store.GetUnconstrained(n))));
    }

    /// <summary>
    /// The learning rate the next update of <paramref name="parameterName"/> would use (schedule
    /// and overrides applied; a per-update decay such as ClippedAdam's is not), or of a parameter
    /// without overrides when null.
    /// </summary>
    public double CurrentLearningRate(string? parameterName = null) =>
        ScheduledLearningRate(parameterName is null ? _defaults : OptionsFor(parameterName));

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

    /// <summary>Disposes the state tensors.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// <see cref="Step(IEnumerable{ValueTuple{string, Parameter}})"/> with a check that sees every
    /// gradient before any parameter or state changes (when it throws, nothing is updated), and
    /// grouped updates when <paramref name="grouped"/> and fast paths are on.
    /// </summary>
    internal void Step(IEnumerable<(string Name, Parameter Parameter)> parameters, Action<IReadOnlyList<(string Name, Tensor Grad)>>? beforeUpdate, bool grouped)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // the one seam of the grouped fast path
        grouped = grouped && FastPaths.Enabled;
        // The scope frees every temporary of the update at once; state tensors are detached from it.
        using (NewDisposeScope())
        using (no_grad())
        {
            var withGrad = WithGradients(parameters);
            beforeUpdate?.Invoke(withGrad.ConvertAll(g => (g.Name, g.Grad)));
            List<GroupMember>? pending = null;
            foreach (var (name, parameter, grad) in withGrad)
            {
                var options = OptionsFor(name);
                var state = StateFor(name, parameter);
                state.Step++;
                if (grouped && ReferenceEquals(options, _defaults))
                {
                    (pending ??= []).Add(new GroupMember(name, parameter, grad, state));
                    continue;
                }

                Update(parameter, grad, state, options, LearningRateFor(options, state.Step));
            }

            LastGroupedCount = pending is null ? 0 : _grouped.Run(pending, (values, grad, state) => Update(values, grad, state, _defaults, LearningRateFor(_defaults, state.Step)));
        }

        StepCount++;
    }

    /// <summary>How many parameters the last step updated in groups (for tests of the grouped path).</summary>
    internal int LastGroupedCount { get; private set; }

    /// <summary>
    /// One in-place update of <paramref name="values"/>: a parameter, or the stacked values of a
    /// group of parameters with the same options and update count (the arithmetic must be
    /// elementwise, so each row gets exactly its parameter's update). Runs under no_grad and inside
    /// a dispose scope; <paramref name="state"/>'s step already counts this update, and
    /// <paramref name="lr"/> is final (see <see cref="LearningRateFor"/>).
    /// </summary>
    private protected abstract void Update(Tensor values, Tensor grad, IUpdateState state, OptimizerOptions options, double lr);

    /// <summary>The learning rate of update number <paramref name="update"/> of a parameter, given its scheduled rate (ClippedAdam's and AdaGrad's decays); unchanged by default.</summary>
    private protected virtual double DecayedLearningRate(double lr, OptimizerOptions options, long update) => lr;

    /// <summary>Native scalars for hyperparameter values, kept until the optimizer is disposed.</summary>
    private protected ScalarConstants Constants { get; } = new();

    /// <summary>Disposes the state tensors when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            ClearState();
            Constants.Dispose();
        }

        _disposed = true;
    }

    /// <summary>
    /// The one place a learning rate is computed: the parameter's base rate (defaults or
    /// overrides), the schedule at <see cref="StepCount"/>, then the optimizer's per-update decay.
    /// </summary>
    private double LearningRateFor(OptimizerOptions options, long update) => DecayedLearningRate(ScheduledLearningRate(options), options, update);

    private double ScheduledLearningRate(OptimizerOptions options)
    {
        double lr = options.LearningRate!.Value;
        return Schedule is null ? lr : Schedule.Evaluate(StepCount, lr);
    }

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

    /// <summary>The parameters that have a gradient (the others did not take part in this loss), checking names are unique.</summary>
    private List<(string Name, Parameter Parameter, Tensor Grad)> WithGradients(IEnumerable<(string Name, Parameter Parameter)> parameters)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var withGrad = new List<(string Name, Parameter Parameter, Tensor Grad)>();
        foreach (var (name, parameter) in parameters)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(parameter);
            if (!seen.Add(name))
            {
                throw new ArgumentException($"{Name}.Step: parameter name '{name}' occurs twice; state is kept by name.", nameof(parameters));
            }

            if (parameter.grad is { } grad)
            {
                withGrad.Add((name, parameter, grad));
            }
        }

        return withGrad;
    }

    /// <summary>The state of <paramref name="name"/> (new when the parameter first takes part), checked against <paramref name="parameter"/>.</summary>
    private ParameterState StateFor(string name, Parameter parameter)
    {
        if (!_states.TryGetValue(name, out var state))
        {
            state = new ParameterState();
            _states.Add(name, state);
        }

        state.EnsureFits(parameter, name, Name);
        return state;
    }

    private void ClearState()
    {
        _grouped.Dispose();
        foreach (var s in _states.Values)
        {
            s.Dispose();
        }

        _states.Clear();
    }
}
