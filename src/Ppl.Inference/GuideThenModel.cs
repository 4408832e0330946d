using Ppl.Diagnostics;
using Ppl.Effects;
using Ppl.Handlers;

namespace Ppl.Inference;

/// <summary>
/// What <see cref="GuideThenModel.Run"/> does besides running the guide and replaying the model on
/// it: the plate the runs are vectorized in, how the model takes the guide's values, and the checks
/// each caller needs (the union of what the ELBO, Importance, Predictive and the nesting probe did
/// on their own).
/// </summary>
internal sealed record GuideThenModelOptions
{
    /// <summary>The particle or sample plate both programs run in (its name), when <see cref="Layout"/> has a dim.</summary>
    public string PlateName { get; init; } = "";

    /// <summary>The particle layout; <see cref="ParticleLayout.One"/> runs the programs as they are.</summary>
    public ParticleLayout Layout { get; init; } = ParticleLayout.One;

    /// <summary>
    /// The model takes the guide's draws themselves rather than an alias per site: only for a caller
    /// that owns both traces and changes neither (the ELBO).
    /// </summary>
    public bool ShareGuideValues { get; init; }

    /// <summary>A handler installed around the model inside the replay (Predictive's event-dim recorder).</summary>
    public Func<Messenger>? ModelHandler { get; init; }

    /// <summary>A handler installed around the guide, outside its plate (the guide-side enumeration of <see cref="TraceEnumElbo"/>).</summary>
    public Func<Messenger>? GuideHandler { get; init; }

    /// <summary>
    /// A handler installed around the replayed model, outside the replay, so it sees sites after the
    /// guide's values are in (the enumeration of <see cref="TraceEnumElbo"/>); made after the guide ran,
    /// from the guide's handler (null when there is none).
    /// </summary>
    public Func<Messenger?, Messenger>? OuterModelHandler { get; init; }

    /// <summary>Throw when the guide observes a site (checked before the model runs).</summary>
    public bool RejectGuideObservations { get; init; }

    /// <summary>Throw when the model observes a site the guide drew (Importance with a proposal).</summary>
    public bool RejectModelObservationsOfGuideSites { get; init; }

    /// <summary>
    /// Pyro's model–guide match, particle-dim and plate-shape checks over <see cref="CheckedNesting"/>
    /// batch dims (the ELBO; the match includes <see cref="RejectModelObservationsOfGuideSites"/>).
    /// </summary>
    public bool CheckModelMatchesGuide { get; init; }

    /// <summary>Batch dims the shape checks cover (the particle dim included); all of them when null.</summary>
    public int? CheckedNesting { get; init; }
}

/// <summary>
/// Runs a guide and then the model replayed on the guide's trace (Pyro's
/// <c>get_importance_trace</c>): the one implementation behind the ELBO's particles, Importance's
/// draws, Predictive's guided runs and the plate-nesting probe.
/// </summary>
internal static class GuideThenModel
{
    /// <summary>The guide's trace, the model's trace and the model's return value.</summary>
    public static (Trace Guide, Trace Model, object? Value) Run<TArgs>(Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args, GuideThenModelOptions options)
    {
        var guideHandler = options.GuideHandler?.Invoke();
        var guided = Vectorization.InPlate(guide, options.PlateName, options.Layout);
        var guideTrace = (guideHandler is null ? guided : guided.With(() => guideHandler)).GetTrace(args);
        if (options.RejectGuideObservations)
        {
            RejectGuideObservations(guideTrace);
        }

        var replayed = Vectorization.InPlate(model, options.PlateName, options.Layout);
        if (options.ModelHandler is { } handler)
        {
            replayed = replayed.With(handler);
        }

        replayed = replayed.With(() => new ReplayMessenger(guideTrace) { ShareValues = options.ShareGuideValues });
        if (options.OuterModelHandler is { } outer)
        {
            replayed = replayed.With(() => outer(guideHandler));
        }

        var (modelTrace, value) = replayed.TraceRun(args);
        if (options.CheckModelMatchesGuide)
        {
            ModelGuideMatch.Check(modelTrace, guideTrace, options.CheckedNesting);
            if (options.Layout.Dim is int particleDim)
            {
                CheckParticleDim(guideTrace, particleDim);
                CheckParticleDim(modelTrace, particleDim);
            }

            PlateShapeCheck.Check(modelTrace, "model", options.CheckedNesting);
            PlateShapeCheck.Check(guideTrace, "guide", options.CheckedNesting);
        }
        else if (options.RejectModelObservationsOfGuideSites)
        {
            GuideDraws.RejectObservedInModel(modelTrace, guideTrace);
        }

        return (guideTrace, modelTrace, value);
    }

    /// <summary>Observations belong in the model: an observed site in the guide is an error (checked before the model is replayed on it).</summary>
    private static void RejectGuideObservations(Trace guide)
    {
        foreach (var site in guide.ObservedSites.Where(s => !s.Infer.IsAuxiliary))
        {
            throw new InvalidOperationException($"The guide observes site '{site.Name}'; observations belong in the model.\n{guide.FormatShapes()}");
        }
    }

    /// <summary>
    /// A site whose batch reaches left of the particle dim mixed particles (e.g. a matmul that
    /// treated the particle dim as a matrix dim): the vectorized run is wrong, not just slow.
    /// </summary>
    private static void CheckParticleDim(Trace trace, int particleDim)
    {
        foreach (var site in trace.SampleSites)
        {
            // enumeration dims lie left of the particle dim by design
            int enumerated = site.Infer.Enumeration?.DimToSymbol.Keys.Select(d => -d).DefaultIfEmpty(0).Max() ?? 0;
            if (site.Distribution is { } d && d.BatchShape.Length > Math.Max(-particleDim, enumerated))
            {
                throw new ModelExecutionException(
                    $"Site '{site.Name}' has batch shape {Distributions.ShapeUtil.Format(d.BatchShape)}, with dims left of the particle dim {particleDim}.",
                    trace.FormatShapes(),
                    new InvalidOperationException("particle dims mixed"));
            }
        }
    }
}
