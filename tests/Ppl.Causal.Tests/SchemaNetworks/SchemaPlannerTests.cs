using Ppl.Causal.SchemaNetworks;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.SchemaNetworks;

/// <summary>The forward-search planner and its candidate sequences against enumeration and step-by-step rollouts.</summary>
[Collection("Sequential")]
public sealed class SchemaPlannerTests
{
    // a corridor of 6 cells: the agent moves left or right (not into a wall), a reward where it stands on the goal
    private static readonly EntityGrid Corridor = new(1, 6, ["agent", "wall", "goal"]);
    private const int Agent = 0, Wall = 1, Goal = 2, Left = 0, Stay = 1, Right = 2;

    [Fact]
    public void ExhaustiveSequencesAreEveryTupleOnceFirstActionSlowest()
    {
        using var scope = NewDisposeScope();
        var all = ActionSequences.Exhaustive(3, 4);
        Assert.Equal(new long[] { 81, 4 }, all.shape);
        var rows = Enumerable.Range(0, 81).Select(i => string.Join(",", all[i].data<long>().ToArray())).ToList();
        Assert.Equal(81, rows.Distinct().Count());
        Assert.Equal("0,0,0,0", rows[0]);
        Assert.Equal("0,0,0,1", rows[1]);
        Assert.Equal("2,2,2,2", rows[80]);
        Assert.Throws<ArgumentException>(() => ActionSequences.Exhaustive(4, 11));
    }

    [Fact]
    public void RunThenHoldListsHoldThenEveryRunByLength()
    {
        using var scope = NewDisposeScope();
        var runs = ActionSequences.RunThenHold(3, Stay, 4);
        Assert.Equal(new long[] { 9, 4 }, runs.shape);
        var rows = Enumerable.Range(0, 9).Select(i => runs[i].data<long>().ToArray()).ToList();
        Assert.Equal(new long[] { 1, 1, 1, 1 }, rows[0]);
        for (int k = 1; k <= 4; k++)
        {
            Assert.Equal(Enumerable.Range(0, 4).Select(t => t < k ? 0L : 1L), rows[(2 * k) - 1]);
            Assert.Equal(Enumerable.Range(0, 4).Select(t => t < k ? 2L : 1L), rows[2 * k]);
        }
    }

    [Fact]
    public void ReturnsEqualEachCandidateRolledStepByStepAndThePlanIsTheFirstBest()
    {
        using var scope = NewDisposeScope();
        var network = new SchemaNetwork(Corridor, ["left", "stay", "right"], ["goal"], CorridorSchemas());
        var state = zeros(3, 1, 6, dtype: float64);
        state[Wall, 0, 0] = tensor(1.0);
        state[Wall, 0, 5] = tensor(1.0);
        state[Agent, 0, 1] = tensor(1.0);
        state[Goal, 0, 3] = tensor(1.0);
        var planner = new SchemaPlanner(network, [1.0], discount: 0.9);
        foreach (var set in new[] { ActionSequences.RunThenHold(3, Stay, 4), ActionSequences.Exhaustive(3, 4) })
        {
            CheckAgainstStepByStep(network, planner, state, set);
        }

        var candidates = ActionSequences.Exhaustive(3, 4);
        var returns = planner.Returns(state, candidates);

        // a reward is read off the state before a step: right, right puts the agent on the goal for steps 2
        // and 3 if it then stays (0.9² + 0.9³, the most any sequence gets); the last action does not matter, and
        // the first of the equals (first action slowest) takes "left" there
        var plan = planner.Plan(state, candidates);
        Assert.Equal(new[] { Right, Right, Stay, Left }, plan.Actions);
        Assert.Equal(0.81 + 0.729, plan.Return, 12);
        Assert.Equal(Enumerable.Range(0, 81).First(k => Math.Abs(returns[k].item<double>() - plan.Return) < 1e-9), plan.Best);
        Assert.Throws<ArgumentException>(() => planner.Plan(state.unsqueeze(0), candidates));
        Assert.Throws<ArgumentException>(() => planner.Plan(state, candidates.to_type(ScalarType.Int32)));
        Assert.Throws<ArgumentException>(() => new SchemaPlanner(network, [1.0, 2.0]));
    }

    private static void CheckAgainstStepByStep(SchemaNetwork network, SchemaPlanner planner, Tensor state, Tensor candidates)
    {
        var returns = planner.Returns(state, candidates);
        for (int k = 0; k < candidates.shape[0]; k++)
        {
            double expected = 0;
            var current = state;
            for (int t = 0; t < 4; t++)
            {
                var (next, rewards) = network.Predict(current, candidates[k, t]);
                expected += Math.Pow(0.9, t) * rewards[0].item<double>();
                current = next;
            }

            Assert.True(Math.Abs(returns[k].item<double>() - expected) < 1e-12, $"candidate {k}: planner {returns[k].item<double>()}, step by step {expected}");
        }
    }

    private static List<UngroundedSchema> CorridorSchemas()
    {
        var schemas = new List<UngroundedSchema>();
        foreach (var (action, step) in new[] { (Left, -1), (Right, 1) })
        {
            schemas.Add(new(SchemaEffect.TurnsOn, Agent, [new(0, -step, Agent, true), new(0, 0, Wall, false)], action));
            schemas.Add(new(SchemaEffect.TurnsOff, Agent, [new(0, 0, Agent, true), new(0, step, Wall, false)], action));
        }

        schemas.Add(new(SchemaEffect.Reward, 0, [new(0, 0, Agent, true), new(0, 0, Goal, true)]));
        return schemas;
    }
}
