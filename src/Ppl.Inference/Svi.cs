using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Runtime.InteropServices;
using Ppl.Handlers;
using Ppl.Inference.Optim;
using Ppl.Params;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Stochastic variational inference (Pyro's <c>SVI</c>): each <see cref="Step"/> estimates the
/// ELBO of <c>model</c> under <c>guide</c>, backpropagates, and lets the optimizer update every
/// parameter the two programs touched. Each step runs in its own dispose scope, so a long run
/// keeps a flat tensor count; only the parameters and optimizer state live across steps.
/// </summary>
/// <typeparam name="TArgs">The argument both programs take (a tuple or record for several).</typeparam>
public sealed class Svi<TArgs>
{
    private readonly Func<TArgs, object?> _model;
    private readonly Func<TArgs, object?> _guide;

    /// <summary>SVI of <paramref name="model"/> with <paramref name="guide"/>.</summary>
    /// <param name="model">The generative model (observations as <c>Sample(..., obs:)</c>).</param>
    /// <param name="guide">The variational family; an autoguide's <c>Guide</c> method fits here.</param>
    /// <param name="optimizer">Updates the parameters.</param>
    /// <param name="loss">The ELBO estimator.</param>
    /// <param name="paramStore">Where parameters live; a new store when null.</param>
    /// <param name="seed">When set, step k draws with seed (seed, k), so runs repeat exactly; otherwise the global generator is used.</param>
    public Svi(Func<TArgs, object?> model, Func<TArgs, object?> guide, Optimizer optimizer, Elbo loss, ParamStore? paramStore = null, long? seed = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _guide = guide ?? throw new ArgumentNullException(nameof(guide));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        ParamStore = paramStore ?? new ParamStore();
        Seed = seed;
        TensorMemory.TuneIfAllowed();
    }

    /// <summary>SVI of programs that return nothing.</summary>
    public Svi(Action<TArgs> model, Action<TArgs> guide, Optimizer optimizer, Elbo loss, ParamStore? paramStore = null, long? seed = null)
        : this(AsFunc(model), AsFunc(guide), optimizer, loss, paramStore, seed)
    {
    }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The ELBO estimator.</summary>
    public Elbo Loss { get; }

    /// <summary>The parameters.</summary>
    public ParamStore ParamStore { get; }

    /// <summary>The seed, when runs are seeded.</summary>
    public long? Seed { get; }

    /// <summary>Steps taken so far (saved with checkpoints, so a resumed run continues the seed sequence).</summary>
    public long StepCount { get; private set; }

    /// <summary>What a step does when its loss or a gradient is NaN or infinite; <see cref="NonFinitePolicy.Throw"/> by default.</summary>
    public NonFinitePolicy NonFinite { get; init; } = NonFinitePolicy.Throw;

    /// <summary>
    /// One gradient step; returns the −ELBO estimate before the update (NaN on the meta device,
    /// where tensors hold no values). When no parameter takes part in the loss (no param site,
    /// or a surrogate that needs no gradient: an empty or fixed guide, a factor-only program) the
    /// step skips backward and the update and only returns the loss, as Pyro's does.
    /// </summary>
    /// <exception cref="NonFiniteException">The loss or a gradient is not finite (under <see cref="NonFinitePolicy.Throw"/>); nothing was updated.</exception>
    public double Step(TArgs args)
    {
        using var scope = NewDisposeScope();
        ElboEstimate estimate;
        using (ParamStore.Activate())
        using (SeedForStep())
        {
            estimate = Loss.Estimate(_model, _guide, args);
        }

        var parameters = estimate.ParamNames.Where(ParamStore.Contains).Select(n => (n, ParamStore.GetUnconstrained(n))).ToList();
        if (parameters.Count == 0 || !estimate.Surrogate.requires_grad)
        {
            // nothing to learn (no param site, or a loss no parameter reaches: an empty or fixed
            // guide, a factor-only program): Pyro skips backward and the update, and so do we
            return NothingToLearn(estimate);
        }

        estimate.Surrogate.backward();
        try
        {
            // grouped: the same numbers as the per-parameter loop with far fewer native calls for
            // models with many small parameters (200 scalars: ~0.4 ms instead of ~5 ms per update)
            Optimizer.Step(parameters, NonFinite == NonFinitePolicy.Throw ? grads => NonFiniteCheck.ThrowIfAny(StepCount + 1, estimate, grads) : null, grouped: true);
        }
        finally
        {
            Optimizer.ZeroGrad(parameters.Select(p => p.Item2));
        }

        StepCount++;
        return ToDouble(estimate.Loss);
    }

    /// <summary>A step without backward or update: the loss is still checked and counted as a step.</summary>
    private double NothingToLearn(ElboEstimate estimate)
    {
        if (NonFinite == NonFinitePolicy.Throw)
        {
            NonFiniteCheck.ThrowIfAny(StepCount + 1, estimate, []);
        }

        StepCount++;
        return ToDouble(estimate.Loss);
    }

    /// <summary>The −ELBO estimate at the current parameters, without gradients or updates.</summary>
    public double Evaluate(TArgs args)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        using (ParamStore.Activate())
        using (SeedForStep())
        {
            return ToDouble(Loss.Estimate(_model, _guide, args).Loss);
        }
    }

    /// <summary>Runs <paramref name="steps"/> steps and returns their losses (the plain synchronous loop).</summary>
    /// <param name="args">The programs' argument.</param>
    /// <param name="steps">The number of steps.</param>
    /// <param name="cancellationToken">Checked before every step; cancelling stops the fit before the next step.</param>
    /// <exception cref="SviStepException">A step failed: it names the step and carries the losses so far; the error is its inner exception.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public double[] Fit(TArgs args, int steps, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var losses = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            losses[i] = StepReportingFailure(args, losses.AsSpan(0, i));
        }

        return losses;
    }

    /// <summary>
    /// A cold stream of up to <paramref name="steps"/> steps: each subscription runs them on the
    /// subscribing thread, one <see cref="SviProgress"/> per step. A step runs only while the
    /// subscription is alive, so <c>Take</c>, <c>TakeWhile</c> and <c>TakeUntil</c> stop the run
    /// after the last step they look at, and disposing the subscription from another thread (as
    /// <c>ToTask(token)</c> does) stops it before the next step.
    /// </summary>
    /// <param name="args">The programs' argument.</param>
    /// <param name="steps">The most steps to run.</param>
    /// <param name="paramNorms">Whether to report each parameter's norm (one device sync per parameter).</param>
    /// <param name="cancellationToken">Checked before every step; cancelling ends the stream with <see cref="OperationCanceledException"/>.</param>
    /// <remarks>A failing step ends the stream with <see cref="SviStepException"/>.</remarks>
    public IObservable<SviProgress> Run(TArgs args, int steps, bool paramNorms = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        return Observable.Create<SviProgress>(observer =>
        {
            // each step is one action on the current-thread trampoline, so the subscription exists
            // (and can be disposed) between steps; the flag makes disposal from any thread visible
            var stopped = new BooleanDisposable();
            var clock = Stopwatch.StartNew();
            var losses = new List<double>();
            var loop = Scheduler.CurrentThread.Schedule(0, (i, next) =>
            {
                if (stopped.IsDisposed)
                {
                    return;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    observer.OnError(new OperationCanceledException(cancellationToken));
                    return;
                }

                if (i >= steps)
                {
                    observer.OnCompleted();
                    return;
                }

                SviProgress progress;
                try
                {
                    double loss = StepReportingFailure(args, CollectionsMarshal.AsSpan(losses));
                    losses.Add(loss);
                    progress = new SviProgress(StepCount, loss, clock.Elapsed, paramNorms ? ParamNorms() : EmptyNorms);
                }
                catch (SviStepException e)
                {
                    observer.OnError(e);
                    return;
                }

                observer.OnNext(progress);
                next(i + 1);
            });
            return new CompositeDisposable(stopped, loop);
        });
    }

    /// <summary>One step; a failure becomes a <see cref="SviStepException"/> naming the step, with the losses of the calling loop.</summary>
    private double StepReportingFailure(TArgs args, ReadOnlySpan<double> lossesSoFar)
    {
        try
        {
            return Step(args);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new SviStepException(StepCount + 1, lossesSoFar.ToArray(), e);
        }
    }

    /// <summary>
    /// Writes the parameters, the optimizer state and the step count as a checkpoint in
    /// <paramref name="directory"/> (created if missing), as one unit: new files first, then an
    /// atomic switch of the manifest that names them, then the previous checkpoint's files are
    /// deleted. A save that fails or is interrupted at any point leaves the previous checkpoint
    /// loadable.
    /// </summary>
    /// <exception cref="NotSupportedException">A parameter has a constraint with tensor bounds, which a file cannot hold; the previous checkpoint is kept.</exception>
    public void SaveCheckpoint(string directory) => Checkpoints.CheckpointFolder.Save(directory, ParamStore, Optimizer, StepCount);

    /// <summary>
    /// Restores what <see cref="SaveCheckpoint"/> wrote; continuing gives the same trajectory as
    /// never stopping. All or nothing: the manifest and both files it names are read and checked
    /// in full before the parameters, the optimizer state and <see cref="StepCount"/> change.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder holds no checkpoint (no manifest).</exception>
    /// <exception cref="InvalidDataException">A checkpoint file is damaged or does not belong to the manifest; the message starts with its path.</exception>
    /// <exception cref="InvalidOperationException">The saved parameters disagree with the store, or the state is another optimizer's.</exception>
    public void LoadCheckpoint(string directory, Device? device = null) =>
        StepCount = Checkpoints.CheckpointFolder.Load(directory, ParamStore, Optimizer, device);

    private static readonly IReadOnlyDictionary<string, double> EmptyNorms = new Dictionary<string, double>();

    private Dictionary<string, double> ParamNorms()
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            return ParamStore.Names.ToDictionary(n => n, n => ParamStore[n].to(ScalarType.Float64).norm().ToDouble());
        }
    }

    private Ppl.Effects.HandlerScope SeedForStep() =>
        Seed is long seed ? new SeedMessenger(unchecked((seed * 1_000_003L) + StepCount)).Install() : default;

    /// <summary>The one device sync of a step; meta tensors have no value to sync.</summary>
    private static double ToDouble(Tensor loss) => loss.device_type == TorchSharp.DeviceType.META
        ? double.NaN
        : loss.ToDouble();

    private static Func<TArgs, object?> AsFunc(Action<TArgs> program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return a =>
        {
            program(a);
            return null;
        };
    }
}
