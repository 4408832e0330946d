using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// One world index per intervention name (ChiRho's <c>MultiWorldCounterfactual</c>): the first
/// intervention called <c>x</c> creates index <c>x</c> at the next world dim (<paramref name="firstDim"/>,
/// then the dims left of it in order), with entry 0 the value without and entry 1 the value with the
/// intervention. With n differently named interventions a value downstream of all of them has 2ⁿ
/// worlds — every combination — sharing all exogenous noise. An intervention whose name is already
/// an index reuses that index: its entry 1 becomes this intervention applied to entry 0. A
/// <see cref="Intervention.Tuple"/> of k actions gives entries 1..k, each action applied to entry 0.
/// </summary>
/// <param name="firstDim">The rightmost dim worlds may use (negative; left of every plate the model uses).</param>
public sealed class MultiWorldCounterfactual(int firstDim = -4) : WorldMessenger
{
    /// <summary>The rightmost dim worlds may use.</summary>
    public int FirstDim { get; } = firstDim < 0 ? firstDim : throw new ArgumentOutOfRangeException(nameof(firstDim), firstDim, "World dims are negative batch dims.");

    /// <inheritdoc />
    protected override int FirstAvailableDim => FirstDim;

    /// <summary>Selects, for each named intervention, whether it is applied (1) or not (0).</summary>
    public static IndexSet WorldOf(params (string Site, bool Intervened)[] choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return new IndexSet(choices.Select(c => (c.Site, c.Intervened ? 1 : 0)).ToArray());
    }

    /// <inheritdoc />
    protected override Tensor Split(InterventionRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var actions = request.Action.Alternatives;
        var world = AddIndex(name, [.. Enumerable.Range(0, 1 + actions.Count)]);

        // a value may already vary along this index (a replayed value, or a second intervention of
        // the same name): the intervention applies to its entry without the intervention
        var without = new IndexSet((name, 0));
        var factual = WorldTensors.Gather(request.Factual, without, Worlds, request.EventDim);
        var intervened = actions.Select((a, i) => a.Apply(factual, actions.Count == 1 ? name : $"{name}[{i + 1}]")).ToArray();
        return world.Size == 1 + actions.Count
            ? WorldTensors.StackWorlds([factual, .. intervened], world.Dim, request.EventDim)
            : Indexed.ScatterN(
                [new(without, factual), .. intervened.Select((v, i) => new KeyValuePair<IndexSet, Tensor>(new IndexSet((name, i + 1)), v))],
                eventDim: request.EventDim,
                worlds: Worlds);
    }
}
