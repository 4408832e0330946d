using Ppl.Causal.SchemaNetworks;
using static TorchSharp.torch;

namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>
/// Model-predictive control with a schema network: each step, roll every "move k cells, then stay" sequence
/// (<see cref="ActionSequences.RunThenHold"/>) forward through the network, take the first action of the best.
/// </summary>
internal sealed class BreakoutPlanningAgent
{
    private readonly SchemaPlanner _planner;
    private readonly Tensor _candidates;

    /// <param name="network">The learned or hand-written schemas.</param>
    /// <param name="horizon">Steps looked ahead (the issue allows at most 12).</param>
    /// <param name="missValue">What a predicted miss costs against +1 per brick.</param>
    public BreakoutPlanningAgent(SchemaNetwork network, int horizon, double missValue)
    {
        _planner = new SchemaPlanner(network, [1.0, missValue], discount: 0.99);
        _candidates = ActionSequences.RunThenHold(MiniBreakout.Actions.Count, MiniBreakout.Stay, horizon);
        Horizon = horizon;
    }

    public int Horizon { get; }

    public int Act(bool[,,] state)
    {
        using var scope = NewDisposeScope();
        return _planner.Plan(BreakoutData.Planes(state), _candidates).Actions[0];
    }
}
