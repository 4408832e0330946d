using System.Text;
using Ppl.Distributions;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// The ordered record of a model run: one <see cref="Site"/> per effect (Pyro's <c>Trace</c>).
/// Valid inside the dispose scope the model ran in.
/// </summary>
public sealed class Trace
{
    private static readonly string[] Header = ["site", "kind", "batch", "event", "value", "plates"];
    private readonly List<Site> _order = [];
    private readonly Dictionary<string, Site> _byName = new(StringComparer.Ordinal);
    private Dictionary<string, SiteLogProb>? _logProbs; // made on first use: most traces never keep log-densities
    private Dictionary<string, PlateRecord>? _plates;

    /// <summary>All sites in execution order.</summary>
    public IReadOnlyList<Site> Nodes => _order;

    /// <summary>Sample sites in execution order.</summary>
    public IEnumerable<Site> SampleSites => _order.Where(s => s.Kind == SiteKind.Sample);

    /// <summary>Observed sample sites.</summary>
    public IEnumerable<Site> ObservedSites => SampleSites.Where(s => s.IsObserved);

    /// <summary>Latent (drawn, not observed) sample sites.</summary>
    public IEnumerable<Site> LatentSites => SampleSites.Where(s => !s.IsObserved);

    /// <summary>Param sites.</summary>
    public IEnumerable<Site> ParamSites => _order.Where(s => s.Kind == SiteKind.Param);

    /// <summary>The site called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No site has that name; the message lists the names.</exception>
    public Site this[string name] => _byName.TryGetValue(name, out var site)
        ? site
        : throw new KeyNotFoundException($"No site named '{name}' in the trace; sites: {string.Join(", ", _order.Select(s => s.Name))}.");

    /// <summary>True when a site of that name was recorded.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks a site up by name.</summary>
    public bool TryGetSite(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Site? site) => _byName.TryGetValue(name, out site);

    /// <summary>
    /// Records a site. A param may be recorded again, and so may a plate with the same subsample
    /// indices (a plate re-entered in one run); any other repeated name throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">A site of that name exists and is not a param used twice or a plate with the same indices.</exception>
    /// <exception cref="ArgumentException">A sample site's value would broadcast its log-density beyond the distribution's batch shape.</exception>
    public void Add(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        SiteShapeCheck.Check(site);
        if (_byName.TryGetValue(site.Name, out var existing))
        {
            if (existing.Kind != site.Kind)
            {
                throw new InvalidOperationException($"'{site.Name}' is already in the trace as a {existing.Kind} site.");
            }

            if (site.Kind == SiteKind.Plate)
            {
                if (!PlateRecord.SameIndices(existing.Value, site.Value))
                {
                    throw new InvalidOperationException(
                        $"plate '{site.Name}' is recorded again with other subsample indices (shape {Shape(site.Value)}, first {Shape(existing.Value)}); a plate keeps its indices within a run.");
                }

                return;
            }

            if (site.Kind != SiteKind.Param)
            {
                throw new InvalidOperationException($"Multiple {site.Kind} sites named '{site.Name}'.");
            }

            return;
        }

        _order.Add(site);
        _byName.Add(site.Name, site);
    }

    /// <summary>How plate <paramref name="name"/> was first entered in the run this trace records.</summary>
    internal bool TryGetPlate(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PlateRecord? record)
    {
        record = null;
        return _plates is not null && _plates.TryGetValue(name, out record);
    }

    /// <summary>Remembers how a plate was first entered in this run, so entering it again reuses its dim and indices.</summary>
    internal void RecordPlate(PlateRecord record) => (_plates ??= new(StringComparer.Ordinal))[record.Name] = record;

    /// <summary>
    /// Σ over sample sites of the scaled, masked log-density (Pyro's <c>log_prob_sum</c>): the log joint
    /// density of the run, weighted by plate subsampling. A 0-dim tensor on the model's device.
    /// </summary>
    /// <param name="siteFilter">Which sample sites to include; all when null.</param>
    /// <exception cref="InvalidOperationException">The trace has no sample site to sum.</exception>
    public Tensor LogProbSum(Func<Site, bool>? siteFilter = null)
    {
        Tensor? total = null;
        Tensor? pending = null; // a 0-dim first term, kept until a second one makes a new tensor of the sum
        foreach (var site in SampleSites)
        {
            if (siteFilter is not null && !siteFilter(site))
            {
                continue;
            }

            // a 0-dim log-density is its own sum: no sum op (nor its backward node) at every step of SVI or MCMC
            var logProb = Guarded(site, site.LogProb);
            if (total is null && pending is null && logProb.dim() == 0)
            {
                pending = logProb;
                continue;
            }

            var term = logProb.dim() == 0 ? logProb : logProb.sum();
            total = (total ?? pending) is { } sum ? sum.add(term) : term;
            pending = null;
        }

        // the sum of one 0-dim term is a copy, never the site's own cached tensor
        return total ?? pending?.sum() ?? throw new InvalidOperationException("The trace has no sample sites to sum over.");
    }

    /// <summary>The log-densities <see cref="ComputeLogProb"/> (or <see cref="LogProbOf"/>) computed so far, by site name.</summary>
    public IReadOnlyDictionary<string, SiteLogProb> LogProbs => _logProbs ?? (IReadOnlyDictionary<string, SiteLogProb>)System.Collections.Immutable.ImmutableDictionary<string, SiteLogProb>.Empty;

    /// <summary>
    /// Computes and keeps each sample site's log-density (Pyro's <c>compute_log_prob</c>): unscaled,
    /// with the site's scale and mask applied (both of the distribution's batch shape) and summed.
    /// Sites already computed are not computed again. Read them with <see cref="LogProbOf"/> or
    /// <see cref="LogProbs"/>; they belong to the dispose scope this call runs in.
    /// </summary>
    /// <param name="siteFilter">Which sample sites to compute; all when null.</param>
    /// <exception cref="ModelExecutionException">A site's distribution rejected its value; the message names the site and carries the trace's shapes.</exception>
    public void ComputeLogProb(Func<Site, bool>? siteFilter = null)
    {
        foreach (var site in SampleSites)
        {
            if (siteFilter is null || siteFilter(site))
            {
                Compute(site);
            }
        }
    }

    /// <summary>The kept log-density of sample site <paramref name="name"/>, computed now if it was not yet.</summary>
    /// <exception cref="KeyNotFoundException">No site has that name.</exception>
    /// <exception cref="InvalidOperationException">The site is not a sample site.</exception>
    /// <exception cref="ModelExecutionException">The site's distribution rejected its value.</exception>
    public SiteLogProb LogProbOf(string name) => Compute(this[name]);

    /// <summary>
    /// A table of each site's distribution batch and event shapes and value shape (Pyro's
    /// <c>format_shapes</c>), for error messages and debugging.
    /// </summary>
    public string FormatShapes()
    {
        var rows = new List<string[]> { Header };
        foreach (var s in _order)
        {
            rows.Add(
            [
                s.Name,
                s.Kind.Value + (s.IsObserved ? " (obs)" : ""),
                s.Distribution is null ? "" : ShapeUtil.Format(s.Distribution.BatchShape),
                s.Distribution is null ? "" : ShapeUtil.Format(s.Distribution.EventShape),
                s.Value is null ? "" : ShapeUtil.Format(s.Value.Shape()),
                string.Join(" ", s.Plates.Select(p => p.ToString())),
            ]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder("Trace shapes:\n");
        foreach (var r in rows)
        {
            text.AppendLine(string.Join(" | ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd(' ', '|'));
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => FormatShapes();

    private SiteLogProb Compute(Site site)
    {
        if (_logProbs is not null && _logProbs.TryGetValue(site.Name, out var kept))
        {
            return kept;
        }

        if (site.Kind != SiteKind.Sample)
        {
            throw new InvalidOperationException($"Site '{site.Name}' is a {site.Kind} site; only sample sites have a log-probability.");
        }

        var unscaled = Guarded(site, site.UnscaledLogProb);
        var scaled = site.ScaleAndMask(unscaled);
        var computed = new SiteLogProb(unscaled, scaled, scaled.sum());
        (_logProbs ??= new(StringComparer.Ordinal)).Add(site.Name, computed);
        return computed;
    }

    /// <summary>Runs a log-density computation of <paramref name="site"/>, turning a rejected value into an error that names the site and shows the trace's shapes.</summary>
    private Tensor Guarded(Site site, Func<Tensor> logProb)
    {
        try
        {
            return logProb();
        }
        catch (Exception e) when (IsRejectedValue(e))
        {
            throw LogProbFailure(site, e);
        }
    }

    /// <summary>True for the exceptions a distribution throws when it rejects a value (a .NET check or libtorch).</summary>
    internal static bool IsRejectedValue(Exception e) => e is ArgumentException or System.Runtime.InteropServices.ExternalException;

    /// <summary>The error for a site whose log-density could not be computed: it names the site and carries this trace's shapes.</summary>
    internal ModelExecutionException LogProbFailure(Site site, Exception e) =>
        new($"Computing the log-probability of site '{site.Name}' failed: {e.Message}", FormatShapes(), e);

    private static string Shape(Tensor? value) => value is null ? "none" : ShapeUtil.Format(value.Shape());
}
