using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The causal layer's effect: <see cref="Intervene"/>. Handlers give it meaning — alone it returns
/// the intervened value; inside a world handler it splits the value into factual and
/// counterfactual worlds.
/// </summary>
public static class CausalPrimitives
{
    /// <summary>The kind of an <see cref="Intervene"/> message.</summary>
    public static readonly SiteKind InterveneKind = new("intervene");

    /// <summary>
    /// Applies <paramref name="action"/> to <paramref name="factual"/> as an effect named
    /// <paramref name="name"/>. Without a world handler the result is the intervened value;
    /// <see cref="TwinWorldCounterfactual"/> and <see cref="MultiWorldCounterfactual"/> return both
    /// along a world dim; <see cref="SingleWorldFactual"/> returns <paramref name="factual"/>.
    /// </summary>
    public static Tensor Intervene(Tensor factual, Intervention action, string name, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(factual);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(eventDim);
        var request = new InterventionRequest(factual, action, eventDim);
        if (!HandlerStack.IsActive)
        {
            return action.Apply(factual, name);
        }

        var message = new Message(InterveneKind, name)
        {
            Payload = request,
            DefaultBehavior = static m => ((InterventionRequest)m.Payload!).Action.Apply(((InterventionRequest)m.Payload!).Factual, m.Name),
        };
        return Runtime.ApplyStack(message).Value!;
    }
}
