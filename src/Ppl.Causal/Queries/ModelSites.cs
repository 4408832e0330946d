using Ppl.Distributions;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The sites of one plain run of a model (no draw plate, no worlds; interventions applied as a
/// plain do(·)), against which a causal query checks every name and shape it is given before it
/// runs. A query vectorizes over draws and worlds by broadcasting, so a name that matches no site,
/// or a tensor wider than its site, would not fail: it would be ignored, or run as extra units
/// averaged into the answer.
/// </summary>
/// <remarks>
/// The rules: evidence has exactly its site's shape (it is data, one value per entry); an
/// intervention value, or a treatment value, broadcasts to its site's shape without adding or
/// growing dims (a scalar sets every unit).
/// </remarks>
internal sealed class ModelSites
{
    private readonly string _query;
    private readonly Dictionary<string, ProbedSite> _byName;
    private readonly IReadOnlyList<ProbedSite> _sites;
    private readonly ILookup<string, Intervention> _actions;
    private readonly IReadOnlyList<ProbedIntervention> _interventions;

    private ModelSites(string query, SiteProbe probe, ILookup<string, Intervention> actions)
    {
        _query = query;
        _sites = probe.Sites;
        _byName = new Dictionary<string, ProbedSite>(StringComparer.Ordinal);
        foreach (var site in _sites)
        {
            _byName.TryAdd(site.Name, site);
        }

        _actions = actions;
        _interventions = probe.Interventions;
    }

    /// <summary>Runs <paramref name="model"/> once, plainly, with <paramref name="actions"/> applied.</summary>
    /// <param name="query">The query, for messages (e.g. <c>CausalQueries.Counterfactual</c>).</param>
    /// <param name="model">The model as the user wrote it.</param>
    /// <param name="args">Its argument.</param>
    /// <param name="actions">Interventions by site; a site may appear more than once.</param>
    public static ModelSites Probe<TArgs>(string query, Func<TArgs, object?> model, TArgs args, IEnumerable<KeyValuePair<string, Intervention>>? actions = null)
    {
        var lookup = (actions ?? []).ToLookup(kv => kv.Key, kv => kv.Value ?? throw new ArgumentException($"{query}: the intervention on '{kv.Key}' is null."), StringComparer.Ordinal);
        var probe = new SiteProbe(lookup);
        using var scope = NewDisposeScope();
        using (no_grad())
        using (probe.Install())
        {
            model(args);
        }

        return new ModelSites(query, probe, lookup);
    }

    /// <summary>Requires a sample or deterministic site named <paramref name="name"/>.</summary>
    /// <param name="name">The site.</param>
    /// <param name="role">What the query uses it as, for the message (e.g. "outcome").</param>
    public void RequireSite(string name, string role) => Find(name, role);

    /// <summary>Requires a sample site the model does not observe itself (one the query can condition on and draw).</summary>
    public void RequireLatentSampleSite(string name, string role)
    {
        var site = Find(name, role);
        if (site.Kind != SiteKind.Sample)
        {
            throw new ArgumentException(
                $"{_query}: the {role} '{name}' is a deterministic site; the query conditions on it, and only sample sites can be conditioned on "
                + $"(a deterministic value has no density). Write '{name}' as a sample site of its mechanism, e.g. Sample(\"{name}\", new Normal(f(parents), σ)).");
        }

        if (site.IsObserved)
        {
            throw new ArgumentException($"{_query}: the {role} '{name}' is observed inside the model (Sample(..., obs:)); the query must be able to draw it.");
        }
    }

    /// <summary>Requires each evidence name to be a sample site and each tensor to have exactly that site's shape.</summary>
    public void CheckEvidence(IReadOnlyDictionary<string, Tensor> evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        foreach (var (name, value) in evidence)
        {
            var site = Find(name, "evidence");
            if (value is null)
            {
                throw new ArgumentException($"{_query}: the evidence for '{name}' is null.");
            }

            if (site.Kind != SiteKind.Sample)
            {
                throw new ArgumentException(
                    $"{_query}: evidence '{name}' is on a deterministic site; conditioning only acts on sample sites (a deterministic value has no density), "
                    + $"so it would silently do nothing. Write '{name}' as a sample site of its mechanism, e.g. Sample(\"{name}\", new Normal(f(parents), σ)).");
            }

            long[] given = value.Shape();
            if (!given.SequenceEqual(site.Shape))
            {
                string hint = given.Length == 0 ? $"; to observe every entry at one value, pass value.expand({Dims(site.Shape)})" : "";
                throw new ArgumentException(
                    $"{_query}: evidence '{name}' has shape {ShapeUtil.Format(given)}, but the site '{name}' has shape {ShapeUtil.Format(site.Shape)} in a plain run of the model. "
                    + $"Evidence must have exactly its site's shape, one value per entry: other entries would run as extra units and be averaged into the answer. "
                    + $"Pass a tensor of shape {ShapeUtil.Format(site.Shape)}{hint}.");
            }
        }
    }

    /// <summary>Requires every intervention to name a site and its value to broadcast to that site's shape without growing it.</summary>
    public void CheckInterventions()
    {
        foreach (var name in _actions.Select(g => g.Key))
        {
            Find(name, "intervention");
        }

        foreach (var probed in _interventions.Where(i => !ShapeUtil.BroadcastsInto(i.ValueShape, i.SiteShape)))
        {
            throw new ArgumentException(
                $"{_query}: the intervention on '{probed.Site}' gives a value of shape {ShapeUtil.Format(probed.ValueShape)}, "
                + $"but the site '{probed.Site}' has shape {ShapeUtil.Format(probed.SiteShape)} in a plain run of the model. "
                + "An intervention must broadcast to its site's shape without adding or growing dims: other entries would run as extra units and be averaged into the answer. "
                + $"Pass a scalar (it sets every entry) or a value of shape {ShapeUtil.Format(probed.SiteShape)}; for several interventions, ask one query each.");
        }
    }

    /// <summary>Requires a treatment value that broadcasts to the treatment site's shape without growing it.</summary>
    public void CheckTreatmentValue(string treatment, Tensor value)
    {
        var site = Find(treatment, "treatment");
        long[] given = value.Shape();
        if (!ShapeUtil.BroadcastsInto(given, site.Shape))
        {
            throw new ArgumentException(
                $"{_query}: the treatment value for '{treatment}' has shape {ShapeUtil.Format(given)}, but the site '{treatment}' has shape {ShapeUtil.Format(site.Shape)} in a plain run of the model. "
                + "It must broadcast to its site's shape without adding or growing dims: other entries would run as extra units and be averaged into the answer. "
                + $"Pass a scalar (it sets every entry) or a value of shape {ShapeUtil.Format(site.Shape)}; for several values, ask one query each.");
        }
    }

    private ProbedSite Find(string name, string role)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _byName.TryGetValue(name, out var site)
            ? site
            : throw new ArgumentException(
                $"{_query}: the model has no site '{name}' (the {role}); its sample and deterministic sites are: {string.Join(", ", _sites.Select(s => s.Name).Distinct())}. Site names are case-sensitive.");
    }

    private static string Dims(long[] shape) => string.Join(", ", shape);
}
