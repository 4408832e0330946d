using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The shapes <see cref="Predictive{TArgs}"/> returns, learned from one plain run as plain C#
/// data (Pyro's <c>return_site_shapes</c>): site s comes back as
/// <c>(numSamples,) + (1,)·(PlateNesting − batch rank of s) + plain shape of s</c>, so returned
/// sites broadcast against each other as they did inside the model.
/// </summary>
internal sealed class PredictiveLayout
{
    private readonly Dictionary<string, long[]> _plainShapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _batchRanks = new(StringComparer.Ordinal);

    private PredictiveLayout(int plateNesting, int vectorizationNesting)
    {
        PlateNesting = plateNesting;
        VectorizationNesting = vectorizationNesting;
    }

    /// <summary>
    /// The number of batch dims the model's sites use (Pyro's <c>max_plate_nesting</c>): the deepest
    /// vectorized plate or, for batch dims no plate declares (the causal layer's world dims), the
    /// longest batch shape of a sample site's distribution, whichever is larger.
    /// </summary>
    public int PlateNesting { get; }

    /// <summary>The same over the guide's sites as well: the outer sample plate of a parallel run goes left of it.</summary>
    public int VectorizationNesting { get; }

    /// <summary>The layout of <paramref name="returned"/> sites (and of the return value when given) in a plain run.</summary>
    /// <param name="model">The model's trace.</param>
    /// <param name="guide">The guide's trace, when the latents came from a guide.</param>
    /// <param name="deterministicEventDims">Event dims of the model's deterministic sites.</param>
    /// <param name="returned">The sites to return.</param>
    /// <param name="returnValue">The model's return value, when it is to be returned.</param>
    public static PredictiveLayout Of(Trace model, Trace? guide, IReadOnlyDictionary<string, int> deterministicEventDims, IEnumerable<Site> returned, Tensor? returnValue)
    {
        // a deterministic site counts by its plates only: its batch rank hangs on the event dim it declared
        static int Depth(Site site) => Math.Max(
            site.Plates.Where(p => p.IsVectorized).Select(p => -p.Dim!.Value).DefaultIfEmpty(0).Max(),
            site.Distribution?.BatchShape.Length ?? 0);

        static IEnumerable<Site> Sites(Trace trace) => trace.Nodes.Where(s => s.Value is not null && (s.Kind == SiteKind.Sample || s.Kind == SiteKind.Deterministic));
        int plate = Sites(model).Select(Depth).DefaultIfEmpty(0).Max();
        int vectorization = guide is null ? plate : Math.Max(plate, Sites(guide).Select(Depth).DefaultIfEmpty(0).Max());
        var layout = new PredictiveLayout(plate, vectorization);
        foreach (var site in returned)
        {
            layout._plainShapes[site.Name] = site.Value!.Shape();
            layout._batchRanks[site.Name] = BatchRank(site, deterministicEventDims);
        }

        if (returnValue is not null)
        {
            // Pyro puts the return value's draws in front of its plain shape, with no plate padding
            layout._plainShapes[Predictive<object>.ReturnSite] = returnValue.Shape();
            layout._batchRanks[Predictive<object>.ReturnSite] = plate;
        }

        return layout;
    }

    /// <summary>The value shape of <paramref name="name"/> in the plain run.</summary>
    /// <exception cref="InvalidOperationException">The plain run had no such returned site.</exception>
    public long[] PlainShape(string name) => _plainShapes.TryGetValue(name, out var shape)
        ? shape
        : throw new InvalidOperationException($"Site '{name}' appears in the vectorized run but not in a plain one; run sequentially.");

    /// <summary><c>(numSamples,) + (1,)·(PlateNesting − batch rank) + plain shape</c> of <paramref name="name"/>.</summary>
    public long[] ReturnShape(string name, int numSamples)
    {
        var plain = PlainShape(name);
        int pad = Math.Max(0, PlateNesting - _batchRanks[name]);
        var shape = new long[1 + pad + plain.Length];
        shape[0] = numSamples;
        Array.Fill(shape, 1L, 1, pad);
        plain.CopyTo(shape, 1 + pad);
        return shape;
    }

    /// <summary>Pyro's <c>len(fn.batch_shape)</c>: the distribution's batch rank, or a deterministic value's rank less its event dims.</summary>
    private static int BatchRank(Site site, IReadOnlyDictionary<string, int> deterministicEventDims) =>
        site.Distribution is { } distribution
            ? distribution.BatchShape.Length
            : Math.Max(0, (int)site.Value!.dim() - deterministicEventDims.GetValueOrDefault(site.Name));
}
