using Ppl.Distributions;

namespace Ppl;

/// <summary>
/// Pyro's site shape check, applied when a sample site is recorded: the log-density of the value
/// must have exactly the distribution's batch shape (which its plates have already expanded). A
/// value with extra or larger batch dims would broadcast the log-density wider — an observation of
/// shape [N, 1] inside a plate of N gives N × N terms — and every sum over it would be silently wrong.
/// </summary>
internal static class SiteShapeCheck
{
    /// <summary>Throws unless <paramref name="site"/>'s value broadcasts into its distribution's batch shape.</summary>
    /// <exception cref="ArgumentException">The value would widen the log-density; the message names the site, the shapes and the fix.</exception>
    public static void Check(Site site)
    {
        if (site.Kind != Effects.SiteKind.Sample || site.Distribution is not { } distribution || site.Value is not { } value)
        {
            return;
        }

        if (site.Infer.Enumeration is { IsEnumerated: true })
        {
            return; // the support laid along its own dim left of the plates: wider than the batch by design
        }

        int valueBatchDims = (int)value.dim() - distribution.EventShape.Length;
        if (valueBatchDims <= 0)
        {
            return; // no batch dims of its own (too few dims for the event is the distribution's error to report)
        }

        var shape = value.Shape();
        // a value drawn once per value of an enumerated variable (a guide's enumerated draw replayed in the
        // model) is as wide as the batch everywhere else: its enumeration dims do not count
        long[] batch = shape[..valueBatchDims];
        int enumerated = 0;
        foreach (int dim in site.Infer.Enumeration?.DimToSymbol.Keys ?? Enumerable.Empty<int>())
        {
            if (valueBatchDims + dim >= 0)
            {
                batch[valueBatchDims + dim] = 1;
                enumerated++;
            }
        }

        int extra = enumerated == 0 ? 0 : Math.Min(batch.TakeWhile(size => size == 1).Count(), Math.Max(0, batch.Length - distribution.BatchShape.Length));
        if (!ShapeUtil.BroadcastsInto(batch.AsSpan(extra), distribution.BatchShape))
        {
            throw new ArgumentException(Describe(site, distribution, shape));
        }
    }

    private static string Describe(Site site, Distribution distribution, long[] valueShape)
    {
        var batch = distribution.BatchShape;
        var valueBatch = valueShape[..^distribution.EventShape.Length];
        string logProb = ShapeUtil.TryBroadcast(valueBatch, batch, out var broadcast, out _) ? ShapeUtil.Format(broadcast) : "(no broadcast shape)";

        string plates = site.Plates.IsEmpty
            ? "outside any plate"
            : "inside " + string.Join(", ", site.Plates.Select(p => $"plate('{p.Name}', size {p.SubsampleSize}" + (p.Dim is int d ? $", dim {d})" : ", sequential)")));
        return $"Site '{site.Name}': the value of shape {ShapeUtil.Format(valueShape)} does not fit the distribution's batch shape "
            + $"{ShapeUtil.Format(batch)} (event shape {ShapeUtil.Format(distribution.EventShape)}) {plates}; its log-density would have shape "
            + $"{logProb} instead of {ShapeUtil.Format(batch)}. Fixes: give the value the batch shape (e.g. squeeze or reshape a trailing "
            + "size-1 dim), put the extra dims in a Plate if they are independent draws, or use .ToEvent(k) if they are one joint event.";
    }
}
