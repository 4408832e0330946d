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
/// <para>Every result has a leading dim of <see cref="NumSamples"/> draws followed by the site's
/// shape in a plain run of the model, in both modes. Sequential mode runs the guide and the model
/// once per draw; parallel mode runs them once inside an outer plate named
/// <c>_num_predictive_samples</c> at the dim left of every plate the programs use, so the model
/// must be written with plates (batch dims broadcasting from the right).</para>
/// <para>Runs under <c>no_grad</c>: the results carry no gradient. They are ordinary tensors of the
/// caller's dispose scope (everything else a call creates is released before it returns).</para>
/// </remarks>
/// <typeparam name="TArgs">The argument the model and guide take.</typeparam>
/// <example>
/// <code>
/// // after SVI fitted Guide's params in store:
/// var predictive = new Predictive&lt;Tensor?&gt;(Model, Guide, numSamples: 1000, paramStore: store, parallel: true);
/// var draws = predictive.Sample(null, seed: 0);   // draws["y"]: [1000, ..y's shape]
///
/// // from posterior samples with a leading sample dim (mu: [500]):
/// var fromSamples = new Predictive&lt;Tensor?&gt;(Model, new Dictionary&lt;string, Tensor&gt; { ["mu"] = mu });
/// var yRep = fromSamples.Sample(null)["y"];        // [500, ..y's shape]
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
    /// <param name="returnSites">Sites to return; when null, every sample and deterministic site of the model (factors excluded).</param>
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
    /// <param name="posteriorSamples">Values by site name, each with a leading dim of the number of samples. Not copied: keep them alive while sampling.</param>
    /// <param name="numSamples">Draws per call; must match the samples' leading dim when given.</param>
    /// <param name="returnSites">Sites to return; when null, every sample site not in <paramref name="posteriorSamples"/> plus every deterministic site (factors excluded).</param>
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
    /// <see cref="NumSamples"/> predictive draws of the returned sites, each <c>[NumSamples, ..site shape]</c>,
    /// as tensors of the caller's dispose scope.
    /// </summary>
    /// <param name="args">The programs' argument.</param>
    /// <param name="seed">When set, draws are reproducible (a <see cref="SeedMessenger"/> around the whole call).</param>
    /// <exception cref="KeyNotFoundException">A requested return site is not in the model.</exception>
    /// <exception cref="InvalidOperationException">A site changes shape between draws, or does not vectorize in parallel mode.</exception>
    public IReadOnlyDictionary<string, Tensor> Sample(TArgs args, long? seed = null)
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

        return result;
    }

    private Dictionary<string, Tensor> SampleSequential(TArgs args, long? seed)
    {
        var draws = new Dictionary<string, List<Tensor>>(StringComparer.Ordinal);
        using (seed is long s ? new SeedMessenger(s).Install() : default)
        {
            for (int i = 0; i < NumSamples; i++)
            {
                using var draw = NewDisposeScope();
                var latents = _posterior.ToDictionary(kv => kv.Key, kv => kv.Value[i], StringComparer.Ordinal);
                var trace = Run(args, latents, ParticleLayout.One);
                foreach (var site in Returned(trace))
                {
                    if (!draws.TryGetValue(site.Name, out var list))
                    {
                        if (i > 0)
                        {
                            throw new InvalidOperationException($"Site '{site.Name}' appears only from draw {i} on; every draw must reach the same sites.");
                        }

                        draws[site.Name] = list = new List<Tensor>(NumSamples);
                    }

                    list.Add(SampleStacking.Keep(site.Value!));
                }
            }
        }

        return draws.ToDictionary(kv => kv.Key, kv => SampleStacking.Stack(kv.Key, kv.Value), StringComparer.Ordinal);
    }

    private Dictionary<string, Tensor> SampleParallel(TArgs args, long? seed)
    {
        // a plain run fixes the plate nesting, each site's shape, and where posterior samples' batch dims go
        var first = _posterior.ToDictionary(kv => kv.Key, kv => kv.Value[0], StringComparer.Ordinal);
        int nesting = Vectorization.InferNesting(Conditioned(_model, first), _guide, args);
        Dictionary<string, long[]> plainShapes;
        Dictionary<string, long> batchRanks;
        using (NewDisposeScope())
        {
            var probe = Run(args, first, ParticleLayout.One);
            plainShapes = SampleStacking.PlainShapes(Returned(probe));
            batchRanks = probe.SampleSites.Where(s => _posterior.ContainsKey(s.Name))
                .ToDictionary(s => s.Name, s => s.Value!.dim() - s.Distribution!.EventShape.Length, StringComparer.Ordinal);
        }

        var layout = new ParticleLayout(NumSamples, -(nesting + 1));
        var latents = _posterior.ToDictionary(
            kv => kv.Key,
            kv => batchRanks.TryGetValue(kv.Key, out long rank)
                ? kv.Value.reshape([NumSamples, .. Enumerable.Repeat(1L, checked((int)(nesting - rank))), .. kv.Value.Shape().Skip(1)])
                : kv.Value,
            StringComparer.Ordinal);
        Trace trace;
        using (seed is long s ? new SeedMessenger(s).Install() : default)
        {
            trace = Run(args, latents, layout);
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var site in Returned(trace))
        {
            if (!plainShapes.TryGetValue(site.Name, out var shape))
            {
                throw new InvalidOperationException($"Site '{site.Name}' appears in the vectorized run but not in a plain one; run sequentially.");
            }

            result[site.Name] = SampleStacking.ToSampleLeading(site.Name, site.Value!, shape, NumSamples);
        }

        return result;
    }

    /// <summary>One run of the model at the guide's draws or at <paramref name="latents"/>, inside the sample plate when vectorized.</summary>
    private Trace Run(TArgs args, Dictionary<string, Tensor> latents, ParticleLayout layout)
    {
        var model = Vectorization.InPlate(_model, SamplePlate, layout);
        if (_guide is not null)
        {
            var guideTrace = Vectorization.InPlate(_guide, SamplePlate, layout).GetTrace(args);
            return model.Replay(guideTrace).GetTrace(args);
        }

        return Conditioned(model, latents).GetTrace(args);
    }

    private static Func<TArgs, object?> Conditioned(Func<TArgs, object?> model, Dictionary<string, Tensor> latents) =>
        latents.Count == 0 ? model : model.Condition(latents);

    private IEnumerable<Site> Returned(Trace trace)
    {
        if (_returnSites is not null)
        {
            foreach (var name in _returnSites)
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
