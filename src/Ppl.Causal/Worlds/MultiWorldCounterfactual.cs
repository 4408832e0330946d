using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// One world dim per intervention: the k-th intervened site gets its own index (named after the
/// site) at the next free dim left of <paramref name="firstDim"/>, with entry 0 the value without
/// and entry 1 the value with that intervention (entries 1..k for a <see cref="Intervention.Tuple"/>
/// of k actions, each applied to the value without). With n interventions a value downstream of all
/// of them has 2ⁿ worlds — every combination — sharing all exogenous noise.
/// </summary>
/// <param name="firstDim">The rightmost dim worlds may use (negative; left of every plate the model uses).</param>
public sealed class MultiWorldCounterfactual(int firstDim = -4) : WorldMessenger
{
    /// <summary>The rightmost dim worlds may use.</summary>
    public int FirstDim { get; } = firstDim < 0 ? firstDim : throw new ArgumentOutOfRangeException(nameof(firstDim), firstDim, "World dims are negative batch dims.");

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
        int dim = FirstDim;
        while (IsDimTaken(dim))
        {
            dim--;
        }

        var indexName = name;
        for (int k = 2; Worlds.Any(w => w.Name == indexName); k++)
        {
            indexName = $"{name}#{k}";
        }

        var actions = request.Action.Alternatives;
        var world = AddWorld(indexName, dim, 1 + actions.Count);

        // a replayed value may already hold this split's worlds: keep its entry without the intervention
        var factual = WorldTensors.Gather(request.Factual, new IndexSet((indexName, 0)), Worlds, request.EventDim);
        Tensor[] parts = [factual, .. actions.Select((a, i) => a.Apply(factual, actions.Count == 1 ? name : $"{name}[{i + 1}]"))];
        return WorldTensors.StackWorlds(parts, world.Dim, request.EventDim);
    }
}
