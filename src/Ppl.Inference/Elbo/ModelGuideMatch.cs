using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;

namespace Ppl.Inference;

/// <summary>
/// Pyro's <c>check_model_guide_match</c>, run on every ELBO estimate after the model is replayed
/// on the guide's draws: the two programs must describe the same latent variables (same event
/// dims, same shapes), a guide may not declare independence (a plate) the model does not have,
/// and a guide's factors must say whether they are reparameterized. Shape arithmetic only.
/// </summary>
internal static class ModelGuideMatch
{
    /// <summary>Runs the checks; mismatches that still give a valid estimate are warnings, the others throw.</summary>
    /// <param name="model">The model trace, replayed on the guide's draws.</param>
    /// <param name="guide">The guide trace.</param>
    /// <param name="maxPlateNesting">Batch dims compared (from the right of the batch shape); null compares them all.</param>
    /// <exception cref="InvalidOperationException">The guide draws an observed site, a shared latent's event dims or shape differ, or a guide factor does not declare <c>hasRSample</c>.</exception>
    public static void Check(Trace model, Trace guide, int? maxPlateNesting)
    {
        GuideDraws.RejectObservedInModel(model, guide);
        foreach (var site in guide.LatentSites)
        {
            if (!model.TryGetSite(site.Name, out var modelSite))
            {
                if (!site.Infer.IsAuxiliary)
                {
                    PplWarnings.Warn($"Found a guide site not in the model: '{site.Name}'.");
                }

                continue;
            }

            if (modelSite.IsLatent && site.Distribution is { } q && modelSite.Distribution is { } p)
            {
                CheckSameVariable(model, guide, site.Name, p, q, maxPlateNesting);
            }
        }

        foreach (var site in model.LatentSites)
        {
            if (!guide.Contains(site.Name) && site.Infer.Enumeration?.IsEnumerated != true)
            {
                PplWarnings.Warn($"Found a model latent not in the guide: '{site.Name}' (it is drawn from its prior).");
            }
        }

        WarnOfGuideOnlyPlates(model, guide);
        RequireDeclaredGuideFactors(guide);
    }

    /// <summary>Pyro's event-dim and shape comparison of one site the model and the guide both draw.</summary>
    private static void CheckSameVariable(Trace model, Trace guide, string name, Distribution p, Distribution q, int? maxPlateNesting)
    {
        int modelEventDim = p.EventShape.Length;
        int guideEventDim = q.EventShape.Length;
        if (modelEventDim != guideEventDim)
        {
            throw new InvalidOperationException(
                $"Model and guide event_dims disagree at site '{name}': {modelEventDim} vs {guideEventDim} (model batch {ShapeUtil.Format(p.BatchShape)} event {ShapeUtil.Format(p.EventShape)}, "
                + $"guide batch {ShapeUtil.Format(q.BatchShape)} event {ShapeUtil.Format(q.EventShape)}). The guide's density is then over another variable than the model's, "
                + "and the loss is for a different model. Give the guide's distribution the model's event dims (.ToEvent(k) on the side that lacks them, or declare the extra dims with a Plate in both)."
                + $"\nModel {model.FormatShapes()}Guide {guide.FormatShapes()}");
        }

        // batch + event shapes compared from the right without building them (one pair per shared
        // site and step); dims left of the nesting (plus the event dims) may broadcast, as in Pyro
        int modelLength = Compared(p, maxPlateNesting);
        int guideLength = Compared(q, maxPlateNesting);
        for (int k = 1; k <= Math.Max(modelLength, guideLength); k++)
        {
            long m = k <= modelLength ? SizeFromRight(p, k) : 1;
            long g = k <= guideLength ? SizeFromRight(q, k) : 1;
            if (m != g)
            {
                throw new InvalidOperationException(
                    $"Model and guide shapes disagree at site '{name}': {ShapeUtil.Format(Shape(p, modelLength))} vs {ShapeUtil.Format(Shape(q, guideLength))} (batch + event shape). "
                    + "The model would score the guide's draw broadcast to its own shape, and the loss is for a different model. "
                    + "Give the guide's distribution the model's shape, inside the same plates."
                    + $"\nModel {model.FormatShapes()}Guide {guide.FormatShapes()}");
            }
        }
    }

    /// <summary>How many dims of batch + event shape are compared: all, or the rightmost nesting + event dims (Pyro's trim).</summary>
    private static int Compared(Distribution d, int? maxPlateNesting)
    {
        int length = d.BatchShape.Length + d.EventShape.Length;
        return maxPlateNesting is int n && length > n + d.EventShape.Length ? n + d.EventShape.Length : length;
    }

    /// <summary>The k-th size from the right of batch + event shape.</summary>
    private static long SizeFromRight(Distribution d, int k) =>
        k <= d.EventShape.Length ? d.EventShape[^k] : d.BatchShape[^(k - d.EventShape.Length)];

    private static long[] Shape(Distribution d, int length) => [.. Enumerable.Range(1, length).Reverse().Select(k => SizeFromRight(d, k))];

    private static void WarnOfGuideOnlyPlates(Trace model, Trace guide)
    {
        var guidePlates = PlateNames(guide);
        if (guidePlates is null)
        {
            return;
        }

        var modelPlates = PlateNames(model);
        List<string>? guideOnly = null;
        foreach (var name in guidePlates)
        {
            if (modelPlates is null || !modelPlates.Contains(name))
            {
                (guideOnly ??= []).Add(name);
            }
        }

        if (guideOnly is not null)
        {
            PplWarnings.Warn(
                $"Found plate statements in guide but not model: {{{string.Join(", ", guideOnly.Select(n => $"'{n}'"))}}}. "
                + "A plate declares conditional independence; one the model lacks makes the guide's factorization disagree with the model's. Enter the same plates in the model, or remove them from the guide.");
        }
    }

    /// <summary>The names of the plates a program entered (its plate sites and every frame its sites sit in), or null for none.</summary>
    private static HashSet<string>? PlateNames(Trace trace)
    {
        HashSet<string>? names = null;
        foreach (var site in trace.Nodes)
        {
            if (site.Kind == SiteKind.Plate)
            {
                (names ??= new HashSet<string>(StringComparer.Ordinal)).Add(site.Name);
            }

            foreach (var frame in site.Plates)
            {
                (names ??= new HashSet<string>(StringComparer.Ordinal)).Add(frame.Name);
            }
        }

        return names;
    }

    /// <summary>A guide's factor is part of log q, and how to differentiate it depends on where it came from: the guide must say.</summary>
    private static void RequireDeclaredGuideFactors(Trace guide)
    {
        foreach (var site in guide.ObservedSites)
        {
            if (site.Infer.IsAuxiliary && site.Distribution is Unit { DeclaredHasRSample: null })
            {
                throw new InvalidOperationException(
                    $"At guide site Factor(\"{site.Name}\", ...), missing specification of hasRSample. A guide's factor is part of log q; "
                    + "pass hasRSample: true if it arises from reparameterized sampling (e.g. the log-Jacobian of a transform of a reparameterized draw), "
                    + "or hasRSample: false otherwise (e.g. the log-probability of a discrete draw), which gives it a score-function term.");
            }
        }
    }
}
