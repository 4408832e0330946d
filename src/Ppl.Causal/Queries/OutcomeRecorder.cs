using Ppl.Effects;

namespace Ppl.Causal;

/// <summary>
/// Records the final value of a sample or deterministic site as a deterministic site
/// <see cref="SiteName"/>, so a query can read its outcome even when the site is observed
/// (in a counterfactual query the evidence is observed in the factual world only).
/// </summary>
internal sealed class OutcomeRecorder(string outcome) : Messenger
{
    public const string SiteName = "_causal_outcome";

    /// <summary>Runs after interventions and world masks.</summary>
    private const int Stage = 2;

    protected override void OnSample(Message message) => Record(message);

    protected override void OnDeterministic(Message message) => Record(message);

    private void Record(Message message)
    {
        if (message.Name == outcome)
        {
            int eventDim = message.Distribution?.EventShape.Length ?? (message.Payload as int? ?? 0);
            message.AfterValue(m => Primitives.Deterministic(SiteName, m.Value!, eventDim), Stage);
        }
    }
}
