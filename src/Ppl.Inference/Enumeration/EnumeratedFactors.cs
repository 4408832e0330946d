using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Enumeration;

/// <summary>
/// A model trace run under <see cref="Handlers.EnumMessenger"/> read as a factor graph: the
/// log-density of every sample site that depends on an enumerated variable becomes a
/// <see cref="LogFactor"/> whose dims are named by variable or plate, grouped by the plates it lies in;
/// the sites that depend on none are set aside.
/// </summary>
internal sealed class EnumeratedFactors
{
    private readonly Dictionary<string, long> _plates = new(StringComparer.Ordinal);

    private EnumeratedFactors()
    {
    }

    /// <summary>The factors, by the plates they lie in.</summary>
    public Dictionary<PlateOrdinal, List<LogFactor>> Tree { get; } = [];

    /// <summary>The enumerated variables (their symbols).</summary>
    public HashSet<long> Variables { get; } = [];

    /// <summary>Each enumerated variable's site.</summary>
    public Dictionary<long, Site> SiteOf { get; } = [];

    /// <summary>The sample sites whose log-density depends on no enumerated variable.</summary>
    public List<Site> Independent { get; } = [];

    /// <summary>The sites that became factors.</summary>
    public List<Site> Dependent { get; } = [];

    /// <summary>
    /// The factor graph of <paramref name="model"/>'s sample sites, each site's log-density given by
    /// <paramref name="logDensity"/> (computed only for the sites that depend on an enumerated variable).
    /// </summary>
    /// <param name="model">A trace run under enumeration.</param>
    /// <param name="caller">The algorithm, named in errors.</param>
    /// <param name="logDensity">The log-density a site contributes (masked, scaled or not as the caller needs).</param>
    public static EnumeratedFactors Collect(Trace model, string caller, Func<Site, Tensor> logDensity)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new EnumeratedFactors();
        foreach (var site in model.SampleSites)
        {
            if (site.Infer.Enumeration is { Symbol: int symbol })
            {
                graph.Variables.Add(symbol);
                graph.SiteOf[symbol] = site;
            }
        }

        foreach (var site in model.SampleSites)
        {
            var record = site.Infer.Enumeration ?? throw new InvalidOperationException($"{caller}: model site '{site.Name}' did not run under enumeration.");
            if (!record.IsEnumerated && !DependsOnEnumerated(site, record))
            {
                graph.Independent.Add(site);
                continue;
            }

            graph.Dependent.Add(site);
            var ordinal = new PlateOrdinal(site.Plates.Where(p => p.IsVectorized).Select(p => graph.PlateLabel(p.Name)));
            var factor = graph.Pack(site, logDensity(site), caller);
            (graph.Tree.TryGetValue(ordinal, out var list) ? list : graph.Tree[ordinal] = []).Add(factor);
        }

        return graph;
    }

    /// <summary>The label of a plate: negative, so it never collides with a variable's symbol.</summary>
    public long PlateLabel(string name) => _plates.TryGetValue(name, out long label) ? label : _plates[name] = -(_plates.Count + 1);

    /// <summary>Whether a site's log-density has a dim of size above 1 that an enumerated variable holds (read from shapes, so independent sites are not scored here).</summary>
    private static bool DependsOnEnumerated(Site site, EnumerationRecord record) =>
        site.Distribution is { } distribution && site.Value is { } value
        && (EnumeratedDimOf(distribution.BatchShape, record) is not null || EnumeratedDimOf(value.shape[..^distribution.EventShape.Length], record) is not null);

    /// <summary>The first dim of <paramref name="batch"/> (counted from the right) of size above 1 that an enumerated variable holds; null when there is none.</summary>
    public static int? EnumeratedDimOf(long[] batch, EnumerationRecord record)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(record);
        foreach (int dim in record.DimToSymbol.Keys)
        {
            if (batch.Length + dim >= 0 && batch[batch.Length + dim] > 1)
            {
                return dim;
            }
        }

        return null;
    }

    /// <summary>A site's term with its dims named: enumeration dims by the variable that held them when the site ran, plate dims by plate.</summary>
    /// <param name="site">A site of the trace.</param>
    /// <param name="logProb">A per-element term of the site (its log-density, scaled or not).</param>
    /// <param name="caller">The algorithm, named in errors.</param>
    public LogFactor Pack(Site site, Tensor logProb, string caller)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(logProb);
        var record = site.Infer.Enumeration ?? throw new InvalidOperationException($"{caller}: site '{site.Name}' did not run under enumeration.");
        var shape = logProb.shape;
        var labels = new List<long>();
        var sizes = new List<long>();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            int dim = axis - shape.Length;
            if (shape[axis] == 1)
            {
                continue;
            }

            if (record.DimToSymbol.TryGetValue(dim, out int symbol))
            {
                labels.Add(symbol);
            }
            else if (site.Plates.FirstOrDefault(p => p.Dim == dim) is { } frame)
            {
                labels.Add(PlateLabel(frame.Name));
            }
            else
            {
                throw new InvalidOperationException(
                    $"{caller}: site '{site.Name}' has a log-density of shape [{string.Join(", ", shape)}] whose dim {dim} (size {shape[axis]}) belongs to no plate and no enumerated variable. "
                    + "Declare batch dims with Plate (or move them to the event with ToEvent), and set MaxPlateNesting if the inferred nesting is too small.");
            }

            sizes.Add(shape[axis]);
        }

        return new LogFactor(logProb.reshape([.. sizes]), [.. labels]);
    }
}
