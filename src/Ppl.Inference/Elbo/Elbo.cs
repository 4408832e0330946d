using System.Collections.Immutable;
using Ppl.Diagnostics;
using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Inference.Enumeration;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// An evidence lower bound estimator (Pyro's <c>ELBO</c>): runs the guide, replays the model at
/// the guide's draws, and turns the two traces into a loss (−ELBO) and a surrogate whose
/// gradient is an unbiased estimate of the loss gradient. Subclasses differ only in how they
/// score a pair of traces.
/// </summary>
public abstract class Elbo
{
    private const string ParticlePlate = "num_particles_vectorized";
    private int? _inferredNesting;

    /// <summary>Particles averaged per estimate (Pyro's <c>num_particles</c>).</summary>
    public int NumParticles { get; init; } = 1;

    /// <summary>
    /// Whether the particles run in one vectorized pass along an outer plate left of the
    /// programs' own batch dims (Pyro's <c>vectorize_particles</c>). False (the default) runs them
    /// one after another. Set it only for a model and guide written to broadcast over an extra
    /// batch dim: a model that does not may abort the process instead of throwing (TorchSharp's
    /// <c>matmul</c> does not catch shape errors; multiply with <see cref="TensorOps"/>), and a
    /// vectorized run whose sites reach left of the particle dim throws
    /// <see cref="ModelExecutionException"/>. There is no fallback: trying the vectorized pass to
    /// find out would run the model in a way it was not written for.
    /// </summary>
    public bool VectorizeParticles { get; init; }

    /// <summary>
    /// How many batch dims the model and guide use (Pyro's <c>max_plate_nesting</c>); the particle
    /// plate goes left of them. Inferred from a first run when null.
    /// </summary>
    public int? MaxPlateNesting { get; init; }

    /// <summary>Whether the last estimate ran its particles vectorized.</summary>
    public bool LastRunVectorized { get; private set; }

    /// <summary>The −ELBO estimate, without gradients.</summary>
    public double Loss<TArgs>(Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            return Estimate(model, guide, args).Loss.to(ScalarType.Float64).ToDouble();
        }
    }

    /// <summary>
    /// The −ELBO estimate as a tensor to differentiate (Pyro's <c>differentiable_loss</c>): its
    /// value is the loss, its gradient that of the surrogate loss (the −ELBO gradient estimate,
    /// score-function terms included). The surrogate's own value is not the loss when the guide
    /// has non-reparameterized sites, so it is not returned as is.
    /// </summary>
    public Tensor DifferentiableLoss<TArgs>(Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args)
    {
        var estimate = Estimate(model, guide, args);
        var (loss, surrogate) = (estimate.Loss, estimate.Surrogate);
        if (ReferenceEquals(loss, surrogate))
        {
            return loss;
        }

        // loss + (surrogate − surrogate): the value of the loss, the graph of the surrogate
        return loss.detach().add(surrogate.sub(surrogate.detach()));
    }

    /// <summary>Runs the particles and scores them: the −ELBO value and the surrogate loss, plus the traces of the runs.</summary>
    public ElboEstimate Estimate<TArgs>(Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(guide);
        if (NumParticles < 1)
        {
            throw new InvalidOperationException($"{GetType().Name}: NumParticles must be at least 1, got {NumParticles}.");
        }

        var runs = Run(model, guide, args);
        var (loss, surrogate) = Score(runs);
        return new ElboEstimate(loss, surrogate, runs);
    }

    /// <summary>
    /// Scores the runs: the −ELBO estimate and the surrogate loss (both means over all
    /// particles). The default averages <see cref="ScoreParticles"/> over the runs.
    /// </summary>
    protected virtual (Tensor Loss, Tensor Surrogate) Score(IReadOnlyList<ElboTraces> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Tensor? elbo = null;
        Tensor? surrogate = null;
        int total = 0;
        foreach (var run in runs)
        {
            var (e, s) = ScoreParticles(run);
            // each op is an autograd node: a 0-dim term is not summed, and a surrogate that is
            // the ELBO itself (no score-function terms) is not computed twice
            bool same = ReferenceEquals(e, s) && ReferenceEquals(elbo, surrogate);
            e = e.dim() == 0 ? e : e.sum();
            elbo = elbo is null ? e : elbo.add(e);
            surrogate = same ? elbo : (surrogate is null ? SumAll(s) : surrogate.add(SumAll(s)));
            total += run.ContinuesParticles ? 0 : run.Layout.Count;
        }

        var loss = Negated(elbo!, total);
        return (loss, ReferenceEquals(surrogate, elbo) ? loss : Negated(surrogate!, total));
    }

    /// <summary>The ELBO and the surrogate ELBO of each particle of one run, shape <c>[Count]</c> or <c>[]</c>.</summary>
    protected abstract (Tensor Elbo, Tensor Surrogate) ScoreParticles(ElboTraces run);

    private static Tensor SumAll(Tensor t) => t.dim() == 0 ? t : t.sum();

    /// <summary>−<paramref name="sum"/> / <paramref name="count"/>, one op.</summary>
    private static Tensor Negated(Tensor sum, int count)
    {
        if (count == 1)
        {
            return sum.neg();
        }

        using var factor = (-1.0 / count).ToScalar();
        return sum.mul(factor);
    }

    /// <summary>
    /// Makes the handlers that enumerate the guide's and the model's discrete latents from the rightmost
    /// dim left of every plate (and of the particle plate): the guide's around the guide, the model's
    /// outside the replay of the guide, made from the guide's; null (the default) for an estimator that
    /// does not enumerate. One that does needs the plate nesting, inferred from a first run when not given.
    /// </summary>
    private protected virtual EnumerationHandlers? EnumerationHandler => null;

    /// <summary>The guide trace and the model trace replayed on it, for all particles.</summary>
    private List<ElboTraces> Run<TArgs>(Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args)
    {
        bool vectorized = NumParticles > 1 && VectorizeParticles;
        int? nesting = MaxPlateNesting;
        if (vectorized || EnumerationHandler is not null)
        {
            nesting ??= _inferredNesting ??= Vectorization.InferNesting(model, guide, args);
        }

        if (vectorized)
        {
            var traces = Branches(model, guide, args, new ParticleLayout(NumParticles, -(nesting!.Value + 1)), nesting.Value + 1, Enumeration(-(nesting.Value + 2))).ToList();
            LastRunVectorized = true;
            return traces;
        }

        LastRunVectorized = false;
        var runs = new List<ElboTraces>(NumParticles);
        for (int i = 0; i < NumParticles; i++)
        {
            runs.AddRange(Branches(model, guide, args, ParticleLayout.One, nesting, nesting is int n ? Enumeration(-(n + 1)) : null));
        }

        return runs;
    }

    /// <summary>
    /// The runs of one set of particles: one, or with enumeration one per combination of the values of
    /// the guide's sequentially enumerated sites (each later one marked as continuing the particles).
    /// </summary>
    private static IEnumerable<ElboTraces> Branches<TArgs>(
        Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args, ParticleLayout layout, int? checkedNesting, RunEnumeration? enumeration)
    {
        if (enumeration is null)
        {
            yield return RunOnce(model, guide, args, layout, checkedNesting, null);
            yield break;
        }

        var pending = new Queue<ImmutableDictionary<string, long>>([ImmutableDictionary<string, long>.Empty]);
        bool first = true;
        while (pending.TryDequeue(out var assignment))
        {
            var branch = new SequentialEnumeration(assignment);
            var traces = RunOnce(model, guide.With(() => branch), args, layout, checkedNesting, enumeration);
            yield return first ? traces : traces with { ContinuesParticles = true };
            first = false;
            foreach (var next in branch.Siblings())
            {
                pending.Enqueue(next);
            }
        }
    }

    private RunEnumeration? Enumeration(int firstAvailableDim) => EnumerationHandler?.At(firstAvailableDim);

    /// <summary>
    /// One run of the guide and of the model replayed on it, checked as Pyro checks them; the
    /// site shape checks cover <paramref name="checkedNesting"/> batch dims (the particle dim
    /// included), all of them when null.
    /// </summary>
    private static ElboTraces RunOnce<TArgs>(Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args, ParticleLayout layout, int? checkedNesting, RunEnumeration? enumeration)
    {
        var (guideTrace, modelTrace, _) = GuideThenModel.Run(model, guide, args, new GuideThenModelOptions
        {
            PlateName = ParticlePlate,
            Layout = layout,
            // the ELBO owns both traces, so the model may take the guide's draws themselves (no alias per site)
            ShareGuideValues = true,
            RejectGuideObservations = true,
            CheckModelMatchesGuide = true,
            CheckedNesting = checkedNesting,
            GuideHandler = enumeration?.Guide,
            OuterModelHandler = enumeration?.Model,
        });
        return new ElboTraces(modelTrace, guideTrace, layout);
    }
}
