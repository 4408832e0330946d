using Ppl.Causal.SchemaNetworks;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.SchemaNetworks;

/// <summary>
/// The schema learner recovers a planted network from its own transitions: on fresh states the learned
/// network predicts every attribute and reward exactly as the planted one does, with few schemas.
/// </summary>
[Collection("Sequential")]
public sealed class SchemaLearnerTests
{
    private const int Ball = 0, Wall = 1, Target = 2, Lamp = 3;
    private static readonly EntityGrid Grid = new(6, 7, ["ball", "wall", "target", "lamp"]);
    private static readonly string[] ActionNames = ["noop", "push"];
    private static readonly string[] RewardNames = ["score"];
    private static readonly double[] Density = [0.15, 0.2, 0.1, 0.3];

    [Fact]
    public void TheLearnerRecoversAPlantedNetworksPredictionsExactly()
    {
        using var scope = NewDisposeScope();
        var planted = new SchemaNetwork(Grid, ActionNames, RewardNames, PlantedSchemas());
        var data = Transitions(planted, new Random(1), 500);
        var learned = SchemaLearner.Learn(Grid, ActionNames, RewardNames, data);

        AssertSamePredictions(planted, learned, new Random(2), 300);
        Assert.True(learned.Schemas.Count <= 2 * planted.Schemas.Count, $"{learned.Schemas.Count} learned schemas for {planted.Schemas.Count} planted:\n{SchemaNetworkTests.Describe(learned)}");
        Assert.Contains(learned.Schemas, s => s.Effect == SchemaEffect.TurnsOff);
        Assert.Contains(learned.Schemas, s => s.Action == 1);
        Assert.Contains(learned.Schemas, s => s.Effect == SchemaEffect.Reward);
        Assert.Equal(0.999, learned.Reliability);
        Assert.Equal(1e-4, learned.Leak);
    }

    [Fact]
    public void TheLearnedRulesAreThePlantedOnesWhereThePlantedOnesAreMinimal()
    {
        using var scope = NewDisposeScope();
        var planted = new SchemaNetwork(Grid, ActionNames, RewardNames, PlantedSchemas());
        var learned = SchemaLearner.Learn(Grid, ActionNames, RewardNames, Transitions(planted, new Random(3), 500));
        var keys = learned.Schemas.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

        // the ball's turn-on, the lamp's turn-on and the target's consumption need every condition they have
        foreach (var schema in new[] { planted.Schemas[0], planted.Schemas[3], planted.Schemas[2] })
        {
            Assert.True(keys.Contains(schema.Key), $"'{schema.Describe(Grid, ActionNames, RewardNames)}' is not among the learned rules:\n{SchemaNetworkTests.Describe(learned)}");
        }
    }

    [Fact]
    public void ARewardForAStaticConfigurationIsLearnedToo()
    {
        // nothing ever changes, so a reward is a function of the state alone: "a ball on a target scores"
        using var scope = NewDisposeScope();
        var grid = new EntityGrid(4, 5, ["ball", "target"]);
        var planted = new SchemaNetwork(grid, ["noop"], ["score"], [new UngroundedSchema(SchemaEffect.Reward, 0, [new Precondition(0, 0, 0, true), new Precondition(0, 0, 1, true)])]);
        var random = new Random(5);
        var states = SchemaNetworkTests.RandomStates(random, 300, grid, [0.2, 0.2]);
        var actions = zeros(300, dtype: int64);
        var (next, rewards) = planted.Predict(states, actions);
        double rewarded = rewards.mean().item<double>();
        Assert.True(rewarded > 0.2 && rewarded < 0.8, $"rewarded fraction {rewarded}");
        var learned = SchemaLearner.Learn(grid, ["noop"], ["score"], new SchemaTransitions(states, actions, next, rewards));

        var fresh = SchemaNetworkTests.RandomStates(new Random(6), 200, grid, [0.2, 0.2]);
        var freshActions = zeros(200, dtype: int64);
        var expected = planted.Predict(fresh, freshActions).Rewards;
        var got = learned.Predict(fresh, freshActions).Rewards;
        long wrong = got.ne(expected).sum().item<long>();
        Assert.True(wrong == 0, $"{wrong} of 200 rewards mispredicted; learned:\n{SchemaNetworkTests.Describe(learned)}");
    }

    [Fact]
    public void AnUncontrolledWorldNeedsNoActionConditions()
    {
        // bricks fall one row per step unless a brick is below them (off the bottom row they fall out)
        using var scope = NewDisposeScope();
        var grid = new EntityGrid(5, 4, ["brick"]);
        UngroundedSchema[] schemas =
        [
            new(SchemaEffect.TurnsOn, 0, [new Precondition(-1, 0, 0, true)]),
            new(SchemaEffect.TurnsOff, 0, [new Precondition(0, 0, 0, true), new Precondition(1, 0, 0, false)]),
        ];
        var planted = new SchemaNetwork(grid, ["noop"], [], schemas);
        var learned = SchemaLearner.Learn(grid, ["noop"], [], Transitions(planted, new Random(7), 200, grid, [0.3], 1));
        AssertSamePredictions(planted, learned, new Random(8), 200, grid, [0.3], 1);
        Assert.All(learned.Schemas, s => Assert.Null(s.Action));
        Assert.True(learned.Schemas.Count <= 4, SchemaNetworkTests.Describe(learned));
    }

    [Fact]
    public void TheLearnersOptionsReachTheNetworkAndBoundItsRules()
    {
        using var scope = NewDisposeScope();
        var planted = new SchemaNetwork(Grid, ActionNames, RewardNames, PlantedSchemas());
        var data = Transitions(planted, new Random(9), 200);
        var options = new SchemaLearnerOptions { RowRadius = 1, ColumnRadius = 1, MaxConditions = 3, Reliability = 0.95, Leak = 0.01 };
        var learned = SchemaLearner.Learn(Grid, ActionNames, RewardNames, data, options);
        Assert.Equal(0.95, learned.Reliability);
        Assert.Equal(0.01, learned.Leak);
        Assert.All(learned.Schemas, s =>
        {
            Assert.True(s.Preconditions.Count + (s.Action is null ? 0 : 1) <= 3, s.Key);
            Assert.All(s.Preconditions, p => Assert.True(Math.Abs(p.RowOffset) <= 1 && Math.Abs(p.ColumnOffset) <= 1, s.Key));
        });
    }

    [Fact]
    public void StridedViewsOfTheDataLearnTheSameSchemasAsContiguousCopies()
    {
        using var scope = NewDisposeScope();
        var planted = new SchemaNetwork(Grid, ActionNames, RewardNames, PlantedSchemas());
        var data = Transitions(planted, new Random(13), 150);

        // the same transitions held transposed, as every other column of a wider action table, and as a reward column
        var states = data.States.permute(0, 1, 3, 2).contiguous().permute(0, 1, 3, 2);
        var next = data.NextStates.permute(0, 1, 3, 2).contiguous().permute(0, 1, 3, 2);
        var actions = stack([data.Actions, data.Actions.neg()], 1).select(1, 0);
        var rewards = cat([zeros(150, 2, dtype: float64), data.Rewards], 1).narrow(1, 2, 1);
        Assert.False(states.is_contiguous() || actions.is_contiguous() || rewards.is_contiguous(), "the views are strided");
        var contiguous = SchemaLearner.Learn(Grid, ActionNames, RewardNames, data);
        var strided = SchemaLearner.Learn(Grid, ActionNames, RewardNames, new SchemaTransitions(states, actions, next, rewards));
        Assert.Equal(contiguous.Schemas.Select(s => s.Key), strided.Schemas.Select(s => s.Key));
    }

    [Fact]
    public void DataThatDoNotFitTheGridAreRejected()
    {
        using var scope = NewDisposeScope();
        var states = zeros(10, 4, 6, 7, dtype: float64);
        var actions = zeros(10, dtype: int64);
        var rewards = zeros(10, 1, dtype: float64);
        var e = Assert.Throws<ArgumentException>(() => SchemaLearner.Learn(Grid, ActionNames, RewardNames, new SchemaTransitions(zeros(10, 4, 7, 6, dtype: float64), actions, states, rewards)));
        Assert.Contains("[10, 4, 7, 6]", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SchemaLearner.Learn(Grid, ActionNames, RewardNames, new SchemaTransitions(states, actions, states, zeros(10, 2))));
        Assert.Contains("[10, 2]", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SchemaLearner.Learn(Grid, ActionNames, RewardNames, new SchemaTransitions(states, actions.to_type(ScalarType.Int32), states, rewards)));
        Assert.Throws<ArgumentException>(() => SchemaLearner.Learn(Grid, ActionNames, RewardNames, new SchemaTransitions(states, actions.add(2), states, rewards)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SchemaLearner.Learn(Grid, ActionNames, RewardNames, new SchemaTransitions(states, actions, states, rewards), new SchemaLearnerOptions { MaxConditions = 0 }));
    }

    /// <summary>
    /// A ball pushed right moves one cell unless a wall is in the way; a ball on a target consumes it and
    /// scores; a lamp lights when a ball is below it and goes out beside a wall (to its left) with no ball below.
    /// </summary>
    private static List<UngroundedSchema> PlantedSchemas() =>
    [
        new(SchemaEffect.TurnsOn, Ball, [new Precondition(0, -1, Ball, true), new Precondition(0, 0, Wall, false)], action: 1),
        new(SchemaEffect.TurnsOff, Ball, [new Precondition(0, 0, Ball, true), new Precondition(0, 1, Wall, false)], action: 1),
        new(SchemaEffect.TurnsOff, Target, [new Precondition(0, 0, Ball, true)]),
        new(SchemaEffect.TurnsOn, Lamp, [new Precondition(1, 0, Ball, true)]),
        new(SchemaEffect.TurnsOff, Lamp, [new Precondition(0, -1, Wall, true)]),
        new(SchemaEffect.Reward, 0, [new Precondition(0, 0, Ball, true), new Precondition(0, 0, Target, true)]),
    ];

    private static SchemaTransitions Transitions(SchemaNetwork planted, Random random, int count) => Transitions(planted, random, count, Grid, Density, ActionNames.Length);

    private static SchemaTransitions Transitions(SchemaNetwork planted, Random random, int count, EntityGrid grid, double[] density, int actionCount)
    {
        var states = SchemaNetworkTests.RandomStates(random, count, grid, density);
        var actions = tensor(Enumerable.Range(0, count).Select(_ => (long)random.Next(actionCount)).ToArray());
        var (next, rewards) = planted.Predict(states, actions);
        return new SchemaTransitions(states, actions, next, rewards);
    }

    private static void AssertSamePredictions(SchemaNetwork planted, SchemaNetwork learned, Random random, int count) =>
        AssertSamePredictions(planted, learned, random, count, Grid, Density, ActionNames.Length);

    private static void AssertSamePredictions(SchemaNetwork planted, SchemaNetwork learned, Random random, int count, EntityGrid grid, double[] density, int actionCount)
    {
        var test = Transitions(planted, random, count, grid, density, actionCount);
        var (next, rewards) = learned.Predict(test.States, test.Actions);
        long changes = test.NextStates.ne(test.States).sum().item<long>();
        Assert.True(changes > count, $"only {changes} entity attributes change in {count} test transitions");
        for (int a = 0; a < grid.Attributes.Count; a++)
        {
            long wrong = next.select(1, a).ne(test.NextStates.select(1, a)).sum().item<long>();
            long changed = test.NextStates.select(1, a).ne(test.States.select(1, a)).sum().item<long>();
            Assert.True(wrong == 0, $"{grid.Attributes[a]}: {wrong} of {count * grid.EntityCount} entities mispredicted ({changed} change); learned:\n{SchemaNetworkTests.Describe(learned)}");
        }

        for (int r = 0; r < learned.Rewards.Count; r++)
        {
            long wrong = rewards.select(1, r).ne(test.Rewards.select(1, r)).sum().item<long>();
            double rate = test.Rewards.select(1, r).mean().item<double>();
            Assert.True(rate > 0.05 && rate < 0.95, $"reward {learned.Rewards[r]} comes at rate {rate}");
            Assert.True(wrong == 0, $"reward {learned.Rewards[r]}: {wrong} of {count} transitions mispredicted; learned:\n{SchemaNetworkTests.Describe(learned)}");
        }
    }
}
