using Ppl.Distributions;
using Ppl.Effects;

namespace Ppl.Inference;

/// <summary>
/// Pyro's <c>check_site_shape</c>, run on the model and guide traces of every ELBO estimate: a
/// sample site's log-density may not reach left of its outermost plate (within the checked
/// plate nesting) with a dim larger than 1. Such a dim is declared by no plate, and the ELBO
/// would sum its terms as if they were independent draws — a Bernoulli of batch [5, 1] inside a
/// plate of 5 broadcasts to 25 terms, not 5 — so the loss would be that of another model.
/// </summary>
/// <remarks>
/// Shape arithmetic on the recorded shapes only: no tensor op, no device sync. As in Pyro, a dim
/// between the site's plate dims that no plate declares is not checked (Pyro's expected size
/// -1: a model may batch a site along such a dim on purpose, e.g. components of a mixture
/// inside a data plate at dim -2), and a plate's dim counts as declared whatever its size (the
/// plate handler already rejects a size it cannot broadcast to).
/// </remarks>
internal static class PlateShapeCheck
{
    /// <summary>Throws when a sample site of <paramref name="trace"/> has a batch dim no plate declares.</summary>
    /// <param name="trace">The trace to check.</param>
    /// <param name="program">"model" or "guide", for the message.</param>
    /// <param name="maxPlateNesting">How many batch dims (from the right) are checked; null checks them all (Pyro's ∞). Dims left of it are ignored, as in Pyro.</param>
    /// <exception cref="InvalidOperationException">A site's log-density has an undeclared batch dim of size above 1, or a plate sits left of <paramref name="maxPlateNesting"/>.</exception>
    public static void Check(Trace trace, string program, int? maxPlateNesting)
    {
        foreach (var site in trace.Nodes)
        {
            if (site.Kind == SiteKind.Sample && site.Distribution is { } distribution)
            {
                CheckSite(trace, program, site, distribution.BatchShape, maxPlateNesting);
            }
        }
    }

    private static void CheckSite(Trace trace, string program, Site site, long[] batch, int? maxPlateNesting)
    {
        int deepest = 0;
        foreach (var frame in site.Plates)
        {
            if (frame.Dim is int dim)
            {
                deepest = Math.Max(deepest, -dim);
            }
        }

        if (maxPlateNesting is int limit && deepest > limit)
        {
            var frame = site.Plates.First(f => f.Dim is int d && -d > limit);
            throw new InvalidOperationException(
                $"At {program} site '{site.Name}', plate stack overflow: plate('{frame.Name}') uses dim {frame.Dim}, left of MaxPlateNesting = {limit}. "
                + $"Increase MaxPlateNesting to at least {deepest}.\n{trace.FormatShapes()}");
        }

        int checkedDims = maxPlateNesting is int n ? Math.Min(n, batch.Length) : batch.Length;
        for (int k = deepest + 1; k <= checkedDims; k++)
        {
            if (batch[^k] != 1)
            {
                throw new InvalidOperationException(Describe(trace, program, site, batch, deepest, -k, maxPlateNesting));
            }
        }
    }

    /// <summary>The log-density shape the plates allow, in Pyro's notation: each plate dim its plate's size, -1 for a dim between them no plate declares.</summary>
    private static long[] Expected(Site site, int length)
    {
        var expected = new long[length];
        Array.Fill(expected, -1L);
        foreach (var frame in site.Plates)
        {
            if (frame.Dim is int dim)
            {
                expected[length + dim] = frame.SubsampleSize;
            }
        }

        return expected;
    }

    private static string Describe(Trace trace, string program, Site site, long[] batch, int deepest, int dim, int? maxPlateNesting)
    {
        int shown = maxPlateNesting is int n ? Math.Min(n, batch.Length) : batch.Length;
        var actual = batch[^shown..];
        var expected = Expected(site, deepest);
        string plates = site.Plates.Any(f => f.IsVectorized)
            ? "its plates are " + string.Join(", ", site.Plates.Where(f => f.IsVectorized).Select(f => $"plate('{f.Name}', dim {f.Dim})"))
            : "it is in no vectorized plate";
        long size = batch[^(-dim)];
        return $"At {program} site '{site.Name}', invalid log_prob shape: expected {ShapeUtil.Format(expected)}, actual {ShapeUtil.Format(actual)}. "
            + $"Dim {dim} (size {size}) is declared by no plate ({plates}), so its {size} terms would be summed as independent ones. "
            + "Try one of the following fixes:\n"
            + $"- enclose the batched site in a plate of that dim: using (Plate(\"name\", {size}, dim: {dim})) {{ ... }}\n"
            + "- .ToEvent(k) the distribution being sampled, if the dims are one joint event\n"
            + "- permute the data dims so that they line up with the plates\n"
            + trace.FormatShapes();
    }
}
