namespace Ppl.Causal;

/// <summary>
/// The causal handlers in wrapper form, composing like <see cref="Poutine"/>:
/// <c>model.Intervene(actions).TwinWorld()</c> runs the model with the interventions inside a twin-world handler.
/// </summary>
public static class CausalPoutine
{
    /// <summary>Applies interventions (<see cref="InterventionsMessenger"/>), keeping site names.</summary>
    public static Func<TArgs, TOut> Intervene<TArgs, TOut>(this Func<TArgs, TOut> model, IReadOnlyDictionary<string, Intervention> actions) =>
        model.With(() => new InterventionsMessenger(actions));

    /// <summary>Runs in the intervened world only (<see cref="SingleWorldCounterfactual"/>): plain do.</summary>
    public static Func<TArgs, TOut> SingleWorldCounterfactual<TArgs, TOut>(this Func<TArgs, TOut> model) =>
        model.With(() => new SingleWorldCounterfactual());

    /// <summary>Runs in the factual world only (<see cref="SingleWorldFactual"/>).</summary>
    public static Func<TArgs, TOut> SingleWorldFactual<TArgs, TOut>(this Func<TArgs, TOut> model) =>
        model.With(() => new SingleWorldFactual());

    /// <summary>Runs factual and counterfactual worlds side by side along <paramref name="dim"/> (<see cref="TwinWorldCounterfactual"/>).</summary>
    public static Func<TArgs, TOut> TwinWorld<TArgs, TOut>(this Func<TArgs, TOut> model, int dim = -4) =>
        model.With(() => new TwinWorldCounterfactual(dim));

    /// <summary>Gives every intervention name its own world dim (<see cref="MultiWorldCounterfactual"/>).</summary>
    public static Func<TArgs, TOut> MultiWorld<TArgs, TOut>(this Func<TArgs, TOut> model, int firstDim = -4) =>
        model.With(() => new MultiWorldCounterfactual(firstDim));
}
