using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Params;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Importance sampling (Pyro's <c>Importance</c>): draws the latents from a proposal (a guide, or
/// the model's prior), replays the model at each draw, and weights it by
/// log w = log p(x, z) − log q(z), with each site's log-density scaled and masked as in the ELBO.
/// The weights estimate the model's evidence and, normalized, give a weighted posterior.
/// </summary>
/// <remarks>
/// Sequential mode (the default) runs proposal and model once per draw; parallel mode runs them
/// once inside an outer plate named <c>_num_importance_samples</c> left of every plate the
/// programs use. Runs under <c>no_grad</c>; see <see cref="ImportanceResult"/> for lifetimes.
/// </remarks>
/// <typeparam name="TArgs">The argument the model and guide take.</typeparam>
/// <example>
/// <code>
/// var importance = new Importance&lt;Tensor&gt;(Model, guide: null, numSamples: 10_000, parallel: true);
/// using var result = importance.Run(x, seed: 0);
/// double logZ = result.LogEvidence.item&lt;double&gt;();         // log p(x)
/// double postMean = result.Mean("mu").item&lt;double&gt;();      // E[mu | x]
/// var draws = result.Resample(1000)["mu"];                    // approximate posterior draws
/// </code>
/// </example>
public sealed class Importance<TArgs>
{
    /// <summary>The name of the outer plate of a parallel run.</summary>
    public const string SamplePlate = "_num_importance_samples";

    private readonly Func<TArgs, object?> _model;
    private readonly Func<TArgs, object?> _proposal;

    /// <summary>Importance sampling of <paramref name="model"/>.</summary>
    /// <param name="model">The model (observations as <c>Sample(..., obs:)</c>).</param>
    /// <param name="guide">The proposal; when null, the model's prior (its observed sites do not count in q).</param>
    /// <param name="numSamples">Draws per run.</param>
    /// <param name="paramStore">The store holding the guide's (and model's) params.</param>
    /// <param name="parallel">Whether to draw all samples in one vectorized run (by default each draw is its own run); ask for it only for programs that broadcast over an extra batch dim (see <see cref="TensorOps"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numSamples"/> is below 1.</exception>
    public Importance(Func<TArgs, object?> model, Func<TArgs, object?>? guide, int numSamples, ParamStore? paramStore = null, bool parallel = false)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(numSamples, 1);
        _proposal = guide ?? model; // as a proposal only the model's latent sites count: observed ones are not latent
        UsesPrior = guide is null;
        NumSamples = numSamples;
        ParamStore = paramStore;
        IsParallel = parallel;
    }

    /// <summary>Draws per run.</summary>
    public int NumSamples { get; }

    /// <summary>Whether draws run in one vectorized pass.</summary>
    public bool IsParallel { get; }

    /// <summary>True when the prior is the proposal.</summary>
    public bool UsesPrior { get; }

    /// <summary>The store serving params, if any.</summary>
    public ParamStore? ParamStore { get; }

    /// <summary>Draws <see cref="NumSamples"/> weighted samples.</summary>
    /// <param name="args">The programs' argument.</param>
    /// <param name="seed">When set, draws are reproducible.</param>
    /// <returns>Weights and the model's latent and deterministic site values, as tensors of the caller's dispose scope.</returns>
    /// <exception cref="InvalidOperationException">A site changes shape between draws, or does not vectorize in parallel mode.</exception>
    public ImportanceResult Run(TArgs args, long? seed = null)
    {
        ImportanceResult result;
        using (var scope = NewDisposeScope())
        {
            using (no_grad())
            using (ParamStore is null ? default : ParamStore.Activate())
            {
                var (logWeights, values) = IsParallel ? RunParallel(args, seed) : RunSequential(args, seed);
                result = new ImportanceResult(logWeights, values);
            }

            result.MoveToOuterDisposeScope();
        }

        return result;
    }

    private (Tensor LogWeights, Dictionary<string, Tensor> Values) RunSequential(TArgs args, long? seed)
    {
        var weights = new List<Tensor>(NumSamples);
        var draws = new Dictionary<string, List<Tensor>>(StringComparer.Ordinal);
        using (seed is long s ? new SeedMessenger(s).Install() : default)
        {
            for (int i = 0; i < NumSamples; i++)
            {
                using var draw = NewDisposeScope();
                var (logWeight, model) = RunOnce(args, ParticleLayout.One);
                weights.Add(logWeight.MoveToOuterDisposeScope());
                foreach (var site in Kept(model))
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

        var values = draws.ToDictionary(kv => kv.Key, kv => SampleStacking.Stack(kv.Key, kv.Value), StringComparer.Ordinal);
        return (torch.stack(weights, 0), values);
    }

    private (Tensor LogWeights, Dictionary<string, Tensor> Values) RunParallel(TArgs args, long? seed)
    {
        int nesting = Vectorization.InferNesting(_model, _proposal, args);
        Dictionary<string, long[]> plainShapes;
        using (NewDisposeScope())
        {
            plainShapes = SampleStacking.PlainShapes(Kept(RunOnce(args, ParticleLayout.One).Model));
        }

        Tensor logWeights;
        Trace trace;
        using (seed is long s ? new SeedMessenger(s).Install() : default)
        {
            (logWeights, trace) = RunOnce(args, new ParticleLayout(NumSamples, -(nesting + 1)));
        }

        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var site in Kept(trace))
        {
            if (!plainShapes.TryGetValue(site.Name, out var shape))
            {
                throw new InvalidOperationException($"Site '{site.Name}' appears in the vectorized run but not in a plain one; run sequentially.");
            }

            values[site.Name] = SampleStacking.ToSampleLeading(site.Name, site.Value!, shape, NumSamples);
        }

        return (logWeights, values);
    }

    /// <summary>One proposal run and the model replayed on it: the log-weights (<c>[Count]</c> or <c>[]</c>) and the model trace.</summary>
    private (Tensor LogWeight, Trace Model) RunOnce(TArgs args, ParticleLayout layout)
    {
        var (proposal, model, _) = GuideThenModel.Run(_model, _proposal, args, new GuideThenModelOptions
        {
            PlateName = SamplePlate,
            Layout = layout,
            RejectModelObservationsOfGuideSites = !UsesPrior,
        });

        var run = new ElboTraces(model, proposal, layout);
        return (ElboTerms.LogWeight(run, proposalIsPrior: UsesPrior), model);
    }

    /// <summary>The model's latent (non-auxiliary) and deterministic sites: what a weighted posterior is about.</summary>
    private static IEnumerable<Site> Kept(Trace model) =>
        model.Nodes.Where(s => (s.IsLatent && !s.Infer.IsAuxiliary) || s.Kind == SiteKind.Deterministic);
}
