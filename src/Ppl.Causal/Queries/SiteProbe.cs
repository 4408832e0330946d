using Ppl.Distributions;
using Ppl.Effects;

namespace Ppl.Causal;

/// <summary>
/// Records every sample and deterministic site of a plain run — its kind, its shape and whether
/// the model observes it — and applies interventions as a plain do(·), recording the shape of
/// each intervention's own value next to the site's. Sites an intervention draws (a randomized
/// intervention's <c>name__intervention</c>) are not the model's and are not recorded.
/// </summary>
internal sealed class SiteProbe(ILookup<string, Intervention> actions) : Messenger
{
    private readonly List<ProbedSite> _sites = [];
    private readonly List<ProbedIntervention> _interventions = [];
    private int _evaluating;

    /// <summary>The model's sites in the order the run reached them.</summary>
    public IReadOnlyList<ProbedSite> Sites => _sites;

    /// <summary>Each intervention that reached its site, with the shapes it met.</summary>
    public IReadOnlyList<ProbedIntervention> Interventions => _interventions;

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        if (_evaluating == 0)
        {
            var shape = message.Distribution is { } d ? [.. d.BatchShape, .. d.EventShape] : message.Value?.Shape() ?? [];
            Record(message, new ProbedSite(message.Name, SiteKind.Sample, shape, message.IsObserved));
        }
    }

    /// <inheritdoc />
    protected override void OnDeterministic(Message message)
    {
        if (_evaluating == 0)
        {
            Record(message, new ProbedSite(message.Name, SiteKind.Deterministic, message.Value?.Shape() ?? [], IsObserved: false));
        }
    }

    private void Record(Message message, ProbedSite site)
    {
        _sites.Add(site);
        if (actions.Contains(site.Name))
        {
            message.AfterValue(Intervene, InterventionsMessenger.Stage);
        }
    }

    /// <summary>Every intervention on the site is evaluated at its factual value; the last one that fits the site is applied.</summary>
    private void Intervene(Message message)
    {
        var factual = message.Value!;
        foreach (var action in actions[message.Name])
        {
            _evaluating++;
            try
            {
                var value = action.Evaluate(factual, message.Name);
                _interventions.Add(new ProbedIntervention(message.Name, value.Shape(), factual.Shape()));
                if (ShapeUtil.BroadcastsInto(value.Shape(), factual.Shape()))
                {
                    message.Value = Intervention.Conform(value, factual, message.Name);
                }
            }
            finally
            {
                _evaluating--;
            }
        }
    }
}

/// <summary>A site of a plain run.</summary>
/// <param name="Name">The site.</param>
/// <param name="Kind">Sample or deterministic.</param>
/// <param name="Shape">Its value's shape (batch and event dims of a sample site's distribution).</param>
/// <param name="IsObserved">Whether the model itself observes it.</param>
internal sealed record ProbedSite(string Name, SiteKind Kind, long[] Shape, bool IsObserved);

/// <summary>An intervention evaluated in a plain run.</summary>
/// <param name="Site">The intervened site.</param>
/// <param name="ValueShape">The shape of the intervention's own value.</param>
/// <param name="SiteShape">The shape of the site's factual value.</param>
internal sealed record ProbedIntervention(string Site, long[] ValueShape, long[] SiteShape);
