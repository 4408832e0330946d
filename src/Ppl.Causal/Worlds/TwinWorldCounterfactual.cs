using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Two worlds along one batch dim: entry 0 factual, entry 1 counterfactual, with every
/// intervention applied in the counterfactual world and all exogenous noise shared
/// (see <see cref="WorldMessenger"/>). Observations condition the factual world.
/// </summary>
/// <example><code>
/// var twin = new TwinWorldCounterfactual(dim: -2);
/// using (twin.Install())
/// using (new InterventionsMessenger(new Dictionary&lt;string, Intervention&gt; { ["x"] = 1.0 }).Install())
/// {
///     var y = model();
///     var yCounterfactual = twin.CounterfactualOf(y);
/// }
/// </code></example>
public sealed class TwinWorldCounterfactual : WorldMessenger
{
    /// <summary>The name of the twin world index.</summary>
    public const string IndexName = "__twin";

    /// <summary>Keeps the two worlds along batch dim <paramref name="dim"/> (negative; left of every plate the model uses).</summary>
    public TwinWorldCounterfactual(int dim = -4)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dim, 0);
        Dim = dim;
    }

    /// <summary>The world dim.</summary>
    public int Dim { get; }

    /// <summary>Selects the factual world (entry 0).</summary>
    public static IndexSet FactualWorld { get; } = new((IndexName, 0));

    /// <summary>Selects the counterfactual world (entry 1).</summary>
    public static IndexSet CounterfactualWorld { get; } = new((IndexName, 1));

    /// <summary>The counterfactual entry of <paramref name="value"/> (the value itself when it does not vary across worlds).</summary>
    public Tensor CounterfactualOf(Tensor value, int eventDim = 0) => Gather(value, CounterfactualWorld, eventDim);

    /// <inheritdoc />
    protected override int FirstAvailableDim => Dim;

    /// <inheritdoc />
    protected override void OnInstalled()
    {
        base.OnInstalled();
        AddWorld(IndexName, Dim, 2);
    }

    /// <inheritdoc />
    protected override Tensor Split(InterventionRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Action.Alternatives.Count > 1)
        {
            throw new NotSupportedException(
                $"TwinWorldCounterfactual: the intervention on '{name}' is a tuple of {request.Action.Alternatives.Count} actions, which needs {1 + request.Action.Alternatives.Count} worlds; the twin handler keeps two. Use MultiWorldCounterfactual, or intervene with one action.");
        }

        var world = Worlds.First(w => w.Name == IndexName);
        var factual = WorldTensors.Gather(request.Factual, FactualWorld, Worlds, request.EventDim);
        var counterfactual = WorldTensors.Gather(request.Factual, CounterfactualWorld, Worlds, request.EventDim);
        var intervened = request.Action.Apply(counterfactual, name);
        return WorldTensors.StackWorlds([factual, intervened], world.Dim, request.EventDim);
    }
}
