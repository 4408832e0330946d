using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Draws from a model's predictive distribution (Pyro's <c>Predictive</c>): the latents come
/// from a guide (the variational posterior) or from given posterior samples (e.g. MCMC draws),
/// and the model is run at each of them, so its other sites (observations left unobserved,
/// deterministic values) are drawn from the posterior predictive. With neither, the model's
/// prior predictive.
/// </summary>
/// <remarks>
/// <para>Results have Pyro's shapes, in both modes: site s comes back as
/// <c>[NumSamples, 1, …, 1, ..plain shape of s]</c>, with as many 1s as the model's plate nesting
/// (its deepest plate dim) exceeds the site's batch rank. A scalar site next to a plate of 3 gives
/// <c>[N, 1]</c>, a site in the plate <c>[N, 3]</c>, so returned sites broadcast against each other
/// as they did in the model (<c>y − mu</c> is <c>[N, 3]</c>). Batch dims no plate declares (the
/// causal layer's world dims) count as plate dims. Sequential mode runs the guide and the model
/// once per draw; parallel mode runs them once inside an outer plate named
/// <c>_num_predictive_samples</c> at the dim left of every plate the programs use, so the model
/// must be written with plates (batch dims broadcasting from the right).</para>
/// <para>Posterior samples may come in either layout: <c>[N, ..plain shape]</c> (stacked draws of a
/// guide) or Pyro's padded one (what this class returns), so one Predictive's output feeds another.</para>
/// <para>Runs under <c>no_grad</c>: the results carry no gradient. They are ordinary tensors of the
/// caller's dispose scope (everything else a call creates is released before it returns).</para>
/// </remarks>
/// <typeparam name="TArgs">The argument the model and guide take.</typeparam>
/// <example>
/// <code>
/// // after SVI fitted Guide's params in store:
/// var predictive = new Predictive&lt;Tensor?&gt;(Model, Guide, numSamples: 1000, paramStore: store, parallel: true);
/// var draws = predictive.Sample(null, seed: 0);   // draws["y"]: [1000, (1s up to the plate nesting), ..y's shape]
///
/// // from posterior samples with a leading sample dim (mu: [500] or Pyro's [500, 1]):
/// var fromSamples = new Predictive&lt;Tensor?&gt;(Model, new Dictionary&lt;string, Tensor&gt; { ["mu"] = mu });
/// var yRep = fromSamples.Sample(null)["y"];        // [500, ..y's shape] for y in the model's plates
/// </code>
/// </example>
public sealed class Predictive<TArgs>
{
    /// <summary>The name of the outer plate of a parallel run.</summary>
    public const string SamplePlate = "_num_predictive_samples";

    /// <summary>The name under which <see cref="Sample"/> returns the model's return value when it is asked for (Pyro's <c>_RETURN</c> site).</summary>
    public const string ReturnSite = "_RETURN";

    private readonly Func<TArgs, object?> _model;
    private readonly Func<TArgs, object?>? _guide;
    private readonly IReadOnlyDictionary<string, Tensor> _posterior;
    private readonly HashSet<string>? _returnSites;

    /// <summary>Predictions with latents drawn from <paramref name="guide"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="guide">The guide, run once per draw (under <paramref name="paramStore"/> when given).</param>
    /// <param name="numSamples">Draws per call.</param>
    /// <param name="returnSites">Sites to return (<see cref="ReturnSite"/> for the model's return value); when null, every sample and deterministic site of the model (factors excluded).</param>
    /// <param name="parallel">Whether to draw all samples in one vectorized run (by default each draw is its own run); ask for it only for programs that broadcast over an extra batch dim (see <see cref="TensorOps"/>).</param>
    /// <param name="paramStore">The store holding the guide's (and model's) learned params.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numSamples"/> is below 1.</exception>
    public Predictive(Func<TArgs, object?> model, Func<TArgs, object?> guide, int numSamples, IEnumerable<string>? returnSites = null, bool parallel = false, ParamStore? paramStore = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _guide = guide ?? throw new ArgumentNullException(nameof(guide));
        ArgumentOutOfRangeException.ThrowIfLessThan(numSamples, 1);
        _posterior = new Dictionary<string, Tensor>();
        _returnSites = returnSites?.ToHashSet(StringComparer.Ordinal);
        NumSamples = numSamples;
        IsParallel = parallel;
        ParamStore = paramStore;
    }

    /// <summary>
    /// Predictions at given posterior samples: draw i conditions the model on
    /// <c>posteriorSamples[site][i]</c> for every site. An empty dictionary gives the prior
    /// predictive (then <paramref name="numSamples"/> is required).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="posteriorSamples">Values by site name, each with a leading dim of the number of samples followed by the site's shape, with or without Pyro's singleton padding. Not copied: keep them alive while sampling.</param>
    /// <param name="numSamples">Draws per call; must match the samples' leading dim when given.</param>
    /// <param name="returnSites">Sites to return (<see cref="ReturnSite"/> for the model's return value); when null, every sample site not in <paramref name="posteriorSamples"/> plus every deterministic site (factors excluded).</param>
    /// <param name="parallel">Whether to draw all samples in one vectorized run (by default each draw is its own run); ask for it only for programs that broadcast over an extra batch dim (see <see cref="TensorOps"/>).</param>
    /// <param name="paramStore">A store serving the model's params.</param>
    /// <exception cref="ArgumentException">The samples disagree about their number, or with <paramref name="numSamples"/>.</exception>
    public Predictive(Func<TArgs, object?> model, IReadOnlyDictionary<string, Tensor> posteriorSamples, int? numSamples = null, IEnumerable<string>? returnSites = null, bool parallel = false, ParamStore? paramStore = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _posterior = posteriorSamples ?? throw new ArgumentNullException(nameof(posteriorSamples));
        var counts = posteriorSamples.Select(kv => kv.Value.dim() == 0 ? 0 : kv.Value.Shape()[0]).Distinct().ToList();
        if (counts.Count > 1 || counts.Contains(0))
        {
            throw new ArgumentException(
                "Posterior samples need one common leading sample dim; got shapes "
                + string.Join(", ", posteriorSamples.Select(kv => $"{kv.Key}: [{string.Join(", ", kv.Value.Shape())}]")) + ".",
                nameof(posteriorSamples));
        }

        long count = counts.Count == 1 ? counts[0] : numSamples ?? throw new ArgumentException("The prior predictive (no posterior samples) needs numSamples.", nameof(numSamples));
        if (numSamples is int n && n != count)
        {
            throw new ArgumentException($"numSamples is {n} but the posterior samples hold {count} draws.", nameof(numSamples));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(numSamples));
        NumSamples = checked((int)count);
        _returnSites = returnSites?.ToHashSet(StringComparer.Ordinal);
        IsParallel = parallel;
        ParamStore = paramStore;
    }

    /// <summary>Draws per call.</summary>
    public int NumSamples { get; }

    /// <summary>Whether draws run in one vectorized pass.</summary>
    public bool IsParallel { get; }

    /// <summary>The store serving params, if any.</summary>
    public ParamStore? ParamStore { get; }

    /// <summary>
    /// <see cref="NumSamples"/> predictive draws of the returned sites, each
    /// <c>[NumSamples, (1s up to the plate nesting), ..site shape]</c> (the return value:
    /// <c>[NumSamples, ..its shape]</c>), as tensors of the caller's dispose scope.
    /// </summary>
    /// <param name="args">The programs' argument.</param>
    /// <param name="seed">When set, draws are reproducible (a <see cref="SeedMessenger"/> around the whole call).</param>
    /// <exception cref="KeyNotFoundException">A requested return site is not in the model.</exception>
    /// <exception cref="InvalidOperationException">A site changes shape between draws, or does not vectorize in parallel mode, or <see cref="ReturnSite"/> was asked for and the model returned no tensor.</exception>
    public PredictiveSamples Sample(TArgs args, long? seed = null)
    {
        Dictionary<string, Tensor> result;
        using (var scope = NewDisposeScope())
        {
            using (no_grad())
            using (ParamStore is null ? default : ParamStore.Activate())
            {
                result = IsParallel ? SampleParallel(args, seed) : SampleSequential(args, seed);
            }

            foreach (var value in result.Values)
            {
                value.MoveToOuterDisposeScope();
            }
        }

        return new PredictiveSamples(result, NumSamples);
    }

    private Dictionary<string, Tensor> SampleSequential(TArgs args, long? seed)
    {
        var draws = new Dictionary<string, List<Tensor>>(StringComparer.Ordinal);
        PredictiveLayout? layout = null;
        using (seed is long s ? new SeedMessenger(s).Install() : default)
        {
            for (int i = 0; i < NumSamples; i++)
            {
                using var draw = NewDisposeScope();
                var run = Run(args, i, ParticleLayout.One, recordLayout: i == 0);
                layout ??= run.Layout;
                foreach (var (name, value) in Returned(run))
                {
                    if (!draws.TryGetValue(name, out var list))
                    {
                        if (i > 0)
                        {
                            throw new InvalidOperationException($"Site '{name}' appears only from draw {i} on; every draw must reach the same sites.");
                        }

                        draws[name] = list = new List<Tensor>(NumSamples);
                    }

                    list.Add(SampleStacking.Keep(value));
                }
            }
        }

        return draws.ToDictionary(kv => kv.Key, kv => SampleStacking.Stack(kv.Key, kv.Value).reshape(layout!.ReturnShape(kv.Key, NumSamples)), StringComparer.Ordinal);
    }

    private Dictionary<string, Tensor> SampleParallel(TArgs args, long? seed)
    {
        // a plain run fixes the plate nesting and each returned site's shape
        PredictiveLayout layout;
        using (NewDisposeScope())
        {
            layout = Run(args, 0, ParticleLayout.One, recordLayout: true).Layout!;
        }

        PredictiveRun run;
        using (seed is long s ? new SeedMessenger(s).Install() : default)
        {
            run = Run(args, null, new ParticleLayout(NumSamples, -(layout.VectorizationNesting + 1)), recordLayout: false);
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in Returned(run))
        {
            result[name] = SampleStacking.ToSampleLeading(name, value, layout.PlainShape(name), NumSamples).reshape(layout.ReturnShape(name, NumSamples));
        }

        return result;
    }

    /// <summary>
    /// One run of the model at the guide's draws or at posterior draw <paramref name="draw"/> (all
    /// draws when null), inside the sample plate when vectorized; with <paramref name="recordLayout"/>
    /// it also learns the layout of the returned sites.
    /// </summary>
    private PredictiveRun Run(TArgs args, int? draw, ParticleLayout layout, bool recordLayout)
    {
        var eventDims = recordLayout ? new DeterministicEventDims() : null;
        Trace? guideTrace = null;
        Trace trace;
        object? value;
        if (_guide is not null)
        {
            (guideTrace, trace, value) = GuideThenModel.Run(_model, _guide, args, new GuideThenModelOptions
            {
                PlateName = SamplePlate,
                Layout = layout,
                ModelHandler = eventDims is null ? null : () => eventDims,
            });
        }
        else
        {
            var model = Vectorization.InPlate(_model, SamplePlate, layout);
            if (eventDims is not null)
            {
                model = model.With(() => eventDims);
            }

            model = draw is int i ? PosteriorConditioning.AtDraw(model, _posterior, i) : PosteriorConditioning.AllDraws(model, _posterior);
            (trace, value) = model.TraceRun(args);
        }

        var run = new PredictiveRun(trace, ReturnsValue ? ReturnTensor(value) : null, null);
        if (eventDims is not null)
        {
            WarnAboutUnusedSamples(trace);
            run = run with { Layout = PredictiveLayout.Of(trace, guideTrace, eventDims.EventDims, ReturnedSites(trace), run.Value) };
        }

        return run;
    }

    private bool ReturnsValue => _returnSites?.Contains(ReturnSite) == true;

    private static Tensor ReturnTensor(object? value) => value as Tensor
        ?? throw new InvalidOperationException($"Return site '{ReturnSite}' was asked for but the model returned {(value is null ? "null" : value.GetType().Name)}, not a tensor.");

    /// <summary>Posterior samples of a name no sample site has would be ignored: say so, as conditioning on an unknown name does.</summary>
    private void WarnAboutUnusedSamples(Trace trace)
    {
        var unused = _posterior.Keys.Where(name => !trace.TryGetSite(name, out var site) || site.Kind != SiteKind.Sample).ToList();
        if (unused.Count > 0)
        {
            Ppl.Diagnostics.PplWarnings.Warn($"Predictive: no sample site named {string.Join(", ", unused.Select(n => $"'{n}'"))} was reached; those posterior samples are ignored.");
        }
    }

    private IEnumerable<(string Name, Tensor Value)> Returned(PredictiveRun run)
    {
        foreach (var site in ReturnedSites(run.Trace))
        {
            yield return (site.Name, site.Value!);
        }

        if (run.Value is { } value)
        {
            yield return (ReturnSite, value);
        }
    }

    private IEnumerable<Site> ReturnedSites(Trace trace)
    {
        if (_returnSites is not null)
        {
            foreach (var name in _returnSites.Where(n => n != ReturnSite))
            {
                var site = trace[name];
                if (site.Value is null || (site.Kind != SiteKind.Sample && site.Kind != SiteKind.Deterministic))
                {
                    throw new InvalidOperationException($"Return site '{name}' is a {site.Kind} site; only sample and deterministic sites can be returned.");
                }

                yield return site;
            }

            yield break;
        }

        foreach (var site in trace.Nodes)
        {
            bool sample = site.Kind == SiteKind.Sample && !site.Infer.IsAuxiliary && !_posterior.ContainsKey(site.Name);
            if (sample || site.Kind == SiteKind.Deterministic)
            {
                yield return site;
            }
        }
    }
}

