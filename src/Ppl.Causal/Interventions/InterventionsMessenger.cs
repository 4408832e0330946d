using Ppl.Diagnostics;
using Ppl.Effects;

namespace Ppl.Causal;

/// <summary>
/// do(·) as an effect (ChiRho's design): each named sample or deterministic site takes its value
/// as usual — drawn, observed or replayed — and that value is then passed through
/// <see cref="CausalPrimitives.Intervene"/>, keeping the site's name. What the intervention means
/// (replace the value, or add a counterfactual world beside it) is up to the world handler outside.
/// </summary>
/// <example><code>
/// using (new TwinWorldCounterfactual().Install())
/// using (new InterventionsMessenger(new Dictionary&lt;string, Intervention&gt; { ["x"] = 1.0 }).Install())
/// {
///     model();   // x is [factual, 1.0] along the world dim; everything downstream has both worlds
/// }
/// </code></example>
public sealed class InterventionsMessenger : Messenger
{
    /// <summary>Stage of <see cref="Message.AfterValue"/> at which interventions apply: after mechanisms (-1), before world masks (1).</summary>
    internal const int Stage = 0;

    private readonly IReadOnlyDictionary<string, Intervention> _actions;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Intervenes on the sites named in <paramref name="actions"/>.</summary>
    public InterventionsMessenger(IReadOnlyDictionary<string, Intervention> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        _actions = actions;
    }

    /// <summary>
    /// The world index the interventions split under; the site's own name when null (ChiRho's
    /// default). World indices are keyed by name, so two interventions on one site that must sit
    /// side by side (<see cref="CausalQueries.Ate"/>) need distinct index names.
    /// </summary>
    internal string? IndexName { get; init; }

    /// <summary>The interventions by site name.</summary>
    public IReadOnlyDictionary<string, Intervention> Actions => _actions;

    /// <inheritdoc />
    protected override void OnInstalled() => _used.Clear();

    /// <inheritdoc />
    protected internal override void OnUninstalled()
    {
        foreach (var name in _actions.Keys.Where(n => !_used.Contains(n)))
        {
            PplWarnings.Warn($"Interventions: no site named '{name}' was reached; the intervention did nothing.");
        }
    }

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var distribution = message.Distribution;
        if (distribution != null && distribution.Support.IsDiscrete && _actions.TryGetValue(message.Name, out var action))
        {
            // a Bernoulli or Poisson site holds floats, so the dtype alone cannot catch do(b = 0.5)
            action.RequireWholeNumbers(message.Name, $"{distribution.GetType().Name}, support {distribution.Support}");
        }

        Register(message, distribution?.EventShape.Length ?? 0);
    }

    /// <inheritdoc />
    protected override void OnDeterministic(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Register(message, message.Payload is int eventDim ? eventDim : 0);
    }

    private void Register(Message message, int eventDim)
    {
        if (!_actions.TryGetValue(message.Name, out var action))
        {
            return;
        }

        _used.Add(message.Name);
        message.AfterValue(
            m => m.Value = CausalPrimitives.Intervene(
                m.Value ?? throw new InvalidOperationException($"Interventions: site '{m.Name}' has no value to intervene on."),
                action,
                IndexName ?? m.Name,
                eventDim),
            Stage);
    }
}
