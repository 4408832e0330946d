using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Interventions replace values: the model runs in the intervened world only (plain do). An
/// intervened sample site's value is set, not drawn, so its log-density is masked out; everything
/// downstream is drawn, or scored if observed, in the intervened world.
/// </summary>
public sealed class SingleWorldCounterfactual : CounterfactualMessenger
{
    private readonly HashSet<string> _intervened = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void OnInstalled() => _intervened.Clear();

    /// <inheritdoc />
    protected override Tensor Split(InterventionRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        _intervened.Add(name);
        return request.Action.Apply(request.Factual, name);
    }

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.AfterValue(m => m.MaskAll &= !_intervened.Contains(m.Name), WorldMessenger.MaskStage);
    }
}
