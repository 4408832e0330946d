using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// Handlers in wrapper form (Pyro's <c>poutine.condition(model, data)</c> style): each method
/// returns a new model that runs the original under a fresh handler per call. Wrappers compose
/// from the inside out: <c>model.Condition(d).Seed(0)</c> puts Seed outermost.
/// </summary>
public static class Poutine
{
    /// <summary>Runs <paramref name="model"/> under a trace and returns the trace and the model's return value.</summary>
    /// <param name="model">The program.</param>
    /// <param name="args">Its argument.</param>
    /// <param name="paramOnly">True to record param sites only (Pyro's <c>trace(param_only=True)</c>).</param>
    /// <exception cref="ModelExecutionException">The model threw; the message carries the shapes of the sites recorded so far.</exception>
    public static (Trace Trace, TOut Value) TraceRun<TArgs, TOut>(this Func<TArgs, TOut> model, TArgs args, bool paramOnly = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tracer = new TraceMessenger { ParamOnly = paramOnly };
        try
        {
            TOut value;
            using (tracer.Install())
            {
                value = model(args);
            }

            return (tracer.Trace, value);
        }
        catch (Exception e) when (e is not ModelExecutionException and not PplWarningException and not OutOfMemoryException)
        {
            throw new ModelExecutionException($"The model threw {e.GetType().Name}: {e.Message}", tracer.Trace.FormatShapes(), e);
        }
    }

    /// <summary>Runs <paramref name="model"/> under a trace and returns the trace.</summary>
    /// <param name="model">The program.</param>
    /// <param name="args">Its argument.</param>
    /// <param name="paramOnly">True to record param sites only (Pyro's <c>trace(param_only=True)</c>).</param>
    public static Trace GetTrace<TArgs, TOut>(this Func<TArgs, TOut> model, TArgs args, bool paramOnly = false) => model.TraceRun(args, paramOnly).Trace;

    /// <summary>Runs an argument-less <paramref name="model"/> under a trace and returns the trace.</summary>
    /// <param name="model">The program.</param>
    /// <param name="paramOnly">True to record param sites only (Pyro's <c>trace(param_only=True)</c>).</param>
    public static Trace GetTrace<TOut>(this Func<TOut> model, bool paramOnly = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        return GetTrace<bool, TOut>(_ => model(), false, paramOnly);
    }

    /// <summary>The model run under a fresh handler from <paramref name="handler"/> at each call.</summary>
    public static Func<TArgs, TOut> With<TArgs, TOut>(this Func<TArgs, TOut> model, Func<Messenger> handler)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(handler);
        return args =>
        {
            using (handler().Install())
            {
                return model(args);
            }
        };
    }

    /// <summary>Observes the named sites (<see cref="ConditionMessenger"/>).</summary>
    public static Func<TArgs, TOut> Condition<TArgs, TOut>(this Func<TArgs, TOut> model, IReadOnlyDictionary<string, Tensor> data) =>
        model.With(() => new ConditionMessenger(data));

    /// <summary>Substitutes values of the named sites (<see cref="SubstituteMessenger"/>).</summary>
    public static Func<TArgs, TOut> Substitute<TArgs, TOut>(this Func<TArgs, TOut> model, IReadOnlyDictionary<string, Tensor> data) =>
        model.With(() => new SubstituteMessenger(data));

    /// <summary>Intervenes on the named sites (<see cref="DoMessenger"/>).</summary>
    public static Func<TArgs, TOut> Do<TArgs, TOut>(this Func<TArgs, TOut> model, IReadOnlyDictionary<string, Tensor> data) =>
        model.With(() => new DoMessenger(data));

    /// <summary>Replays latent sites from <paramref name="trace"/> (<see cref="ReplayMessenger"/>).</summary>
    public static Func<TArgs, TOut> Replay<TArgs, TOut>(this Func<TArgs, TOut> model, Trace trace) =>
        model.With(() => new ReplayMessenger(trace));

    /// <summary>Hides sites for which <paramref name="hide"/> is true from outer handlers (<see cref="BlockMessenger"/>); all when null.</summary>
    public static Func<TArgs, TOut> Block<TArgs, TOut>(this Func<TArgs, TOut> model, Func<Message, bool>? hide = null) =>
        model.With(() => new BlockMessenger(hide ?? (_ => true)));

    /// <summary>Scales log-densities (<see cref="ScaleMessenger"/>).</summary>
    public static Func<TArgs, TOut> Scale<TArgs, TOut>(this Func<TArgs, TOut> model, double scale) =>
        model.With(() => new ScaleMessenger(scale));

    /// <summary>
    /// Keeps (<c>true</c>) or zeroes (<c>false</c>) every log-density inside (<see cref="MaskMessenger"/>,
    /// Pyro's <c>poutine.mask(fn, mask=False)</c>). Without this overload a bool would become a
    /// CPU tensor mask, which breaks on other devices.
    /// </summary>
    public static Func<TArgs, TOut> Mask<TArgs, TOut>(this Func<TArgs, TOut> model, bool mask) =>
        model.With(() => new MaskMessenger(mask));

    /// <summary>Masks log-densities (<see cref="MaskMessenger"/>).</summary>
    public static Func<TArgs, TOut> Mask<TArgs, TOut>(this Func<TArgs, TOut> model, Tensor mask) =>
        model.With(() => new MaskMessenger(mask));

    /// <summary>Seeds every draw (<see cref="SeedMessenger"/>); each call starts from the seed.</summary>
    public static Func<TArgs, TOut> Seed<TArgs, TOut>(this Func<TArgs, TOut> model, long seed) =>
        model.With(() => new SeedMessenger(seed));

    /// <summary>Turns observations into draws (<see cref="UnconditionMessenger"/>).</summary>
    public static Func<TArgs, TOut> Uncondition<TArgs, TOut>(this Func<TArgs, TOut> model) =>
        model.With(() => new UnconditionMessenger());

    /// <summary>Serves param sites from <paramref name="store"/> (<see cref="ParamStoreMessenger"/>).</summary>
    public static Func<TArgs, TOut> WithParams<TArgs, TOut>(this Func<TArgs, TOut> model, ParamStore store) =>
        model.With(() => new ParamStoreMessenger(store));

    /// <summary>Merges the hints <paramref name="configFn"/> returns into each sample and param site's (<see cref="InferConfigMessenger"/>, Pyro's <c>infer_config</c>).</summary>
    public static Func<TArgs, TOut> InferConfig<TArgs, TOut>(this Func<TArgs, TOut> model, Func<Message, InferConfig?> configFn) =>
        model.With(() => new InferConfigMessenger(configFn));

    /// <summary>
    /// Marks every discrete latent sample site that has no enumeration hint yet for enumeration
    /// (Pyro's <c>config_enumerate</c>): latent sites whose distribution lists a finite support get
    /// <see cref="InferConfig.Enumerate"/> = <paramref name="mode"/>; observed and continuous sites are left alone.
    /// </summary>
    public static Func<TArgs, TOut> ConfigEnumerate<TArgs, TOut>(this Func<TArgs, TOut> model, EnumerateMode mode = EnumerateMode.Parallel) =>
        model.InferConfig(message => message.Kind == SiteKind.Sample && !message.IsObserved && message.Infer.Enumerate is null
            && message.Distribution is { HasEnumerateSupport: true }
            ? Effects.InferConfig.Default with { Enumerate = mode }
            : null);

    /// <summary>Leaves the model with <see cref="NonlocalExitException"/> at the first sample site for which <paramref name="escapeFn"/> is true (<see cref="EscapeMessenger"/>, Pyro's <c>escape</c>).</summary>
    public static Func<TArgs, TOut> Escape<TArgs, TOut>(this Func<TArgs, TOut> model, Func<Message, bool> escapeFn) =>
        model.With(() => new EscapeMessenger(escapeFn));

    /// <summary>
    /// Pyro's <c>queue</c>, for sequential enumeration of discrete sites: each call takes a partial
    /// trace from <paramref name="queue"/> and runs the model replaying it; at the first site
    /// <paramref name="escapeFn"/> picks (by default a discrete latent not in the partial trace)
    /// the run is left and the traces <paramref name="extendFn"/> makes from the run so far and
    /// that site (by default one per value of its support) join the queue, and the next one is
    /// tried; a run that completes returns the model's value. Starting from a queue holding one
    /// empty trace, repeated calls visit every assignment of the model's discrete sites once.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="queue">Partial traces still to extend; the caller seeds it (usually with one empty <see cref="Trace"/>).</param>
    /// <param name="maxTries">How many partial traces one call may take before giving up.</param>
    /// <param name="extendFn">Extends a partial trace at a site, given at most how many traces to return; <see cref="PoutineUtil.EnumExtend"/> when null.</param>
    /// <param name="escapeFn">Whether to leave the model at a site, given the partial trace being replayed; <see cref="PoutineUtil.DiscreteEscape"/> when null.</param>
    /// <param name="numSamples">Passed to <paramref name="extendFn"/>; null for no limit.</param>
    /// <exception cref="InvalidOperationException">The queue is empty when a call needs a trace, or <paramref name="maxTries"/> traces were tried without a complete run.</exception>
    public static Func<TArgs, TOut> Queue<TArgs, TOut>(
        this Func<TArgs, TOut> model,
        Queue<Trace> queue,
        int maxTries = 1_000_000,
        Func<Trace, Site, int?, IReadOnlyList<Trace>>? extendFn = null,
        Func<Trace, Message, bool>? escapeFn = null,
        int? numSamples = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(queue);
        extendFn ??= PoutineUtil.EnumExtend;
        escapeFn ??= PoutineUtil.DiscreteEscape;
        return args =>
        {
            for (int i = 0; i < maxTries; i++)
            {
                if (queue.Count == 0)
                {
                    throw new InvalidOperationException("Queue: the queue of partial traces is empty (every assignment was visited, or it was never seeded with an empty Trace).");
                }

                var next = queue.Dequeue();
                var tracer = new TraceMessenger();
                try
                {
                    using (tracer.Install())
                    using (new EscapeMessenger(m => escapeFn(next, m)).Install())
                    using (new ReplayMessenger(next).Install())
                    {
                        return model(args);
                    }
                }
                catch (NonlocalExitException exit)
                {
                    exit.ResetStack(); // handlers outside the queue saw the abandoned run's sites
                    foreach (var extended in extendFn(tracer.Trace, exit.Site, numSamples))
                    {
                        queue.Enqueue(extended);
                    }
                }
            }

            throw new InvalidOperationException($"Queue: max tries ({maxTries}) exceeded without a complete run of the model.");
        };
    }

    /// <summary>Makes every param site a latent sample site drawn from <paramref name="prior"/> (<see cref="LiftMessenger"/>, Pyro's <c>lift</c>).</summary>
    public static Func<TArgs, TOut> Lift<TArgs, TOut>(this Func<TArgs, TOut> model, Distribution prior) =>
        model.With(() => new LiftMessenger(prior));

    /// <summary>Makes the named param sites latent sample sites drawn from their priors (<see cref="LiftMessenger"/>).</summary>
    public static Func<TArgs, TOut> Lift<TArgs, TOut>(this Func<TArgs, TOut> model, IReadOnlyDictionary<string, Distribution> priors) =>
        model.With(() => new LiftMessenger(priors));

    /// <summary>Makes each param site for which <paramref name="prior"/>(name, initial value) gives a distribution a latent sample site drawn from it (<see cref="LiftMessenger"/>).</summary>
    public static Func<TArgs, TOut> Lift<TArgs, TOut>(this Func<TArgs, TOut> model, Func<string, Tensor?, Distribution?> prior) =>
        model.With(() => new LiftMessenger(prior));
}
