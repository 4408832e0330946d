using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>Interventions do nothing: the model runs in the factual world only.</summary>
public sealed class SingleWorldFactual : CounterfactualMessenger
{
    /// <inheritdoc />
    protected override Tensor Split(InterventionRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Factual;
    }
}
