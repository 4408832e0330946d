using System.Globalization;
using Ppl.Causal;
using Ppl.Causal.SchemaNetworks;
using Ppl.Distributions;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.SchemaNetworks;

/// <summary>
/// A schema network's activations, noisy-OR probabilities and rollout program against brute force: every
/// grounded schema checked cell by cell over plain arrays, and every probability computed by hand.
/// </summary>
[Collection("Sequential")]
public sealed class SchemaNetworkTests
{
    private static readonly EntityGrid Grid = new(5, 6, ["ball", "wall", "brick", "paddle"]);
    private static readonly string[] ActionNames = ["noop", "left", "right"];
    private static readonly string[] RewardNames = ["brick", "loss"];

    [Fact]
    public void ActivationsEqualEveryGroundedSchemaCheckedCellByCell()
    {
        using var scope = NewDisposeScope();
        var random = new Random(11);
        var schemas = FixedSchemas().Concat(RandomSchemas(random, 10)).ToList();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, schemas);
        const int batch = 4;
        var state = RandomStates(random, batch, Grid, [0.5, 0.5, 0.5, 0.5]);
        var actions = tensor(Enumerable.Range(0, batch).Select(_ => (long)random.Next(ActionNames.Length)).ToArray());

        var activations = network.Activations(state, actions);
        Assert.Equal(new long[] { batch, schemas.Count, Grid.Rows, Grid.Columns }, activations.shape);
        Assert.Equal(ScalarType.Float64, activations.dtype);
        var fired = Values(activations);
        var expected = BruteForceActivations(Grid, schemas, Values(state), Longs(actions), batch);
        int firedCount = 0, offGridFired = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int s = 0; s < schemas.Count; s++)
            {
                for (int r = 0; r < Grid.Rows; r++)
                {
                    for (int c = 0; c < Grid.Columns; c++)
                    {
                        int i = Index4(b, s, r, c, schemas.Count, Grid);
                        bool isActive = schemas[s].At(new Entity(r, c)).IsActive(Grid, state[b], (int)actions[b].item<long>());
                        Assert.True(fired[i] == (expected[i] ? 1.0 : 0.0), $"batch {b}, schema {schemas[s].Key}, cell ({r}, {c}): Activations {fired[i]}, brute force {expected[i]}");
                        Assert.True(isActive == expected[i], $"batch {b}, schema {schemas[s].Key}, cell ({r}, {c}): IsActive {isActive}, brute force {expected[i]}");
                        firedCount += expected[i] ? 1 : 0;
                        offGridFired += expected[i] && schemas[s].Preconditions.Any(p => !Grid.Contains(new Entity(r + p.RowOffset, c + p.ColumnOffset))) ? 1 : 0;
                    }
                }
            }
        }

        // the comparison is not vacuous: groundings fire, some of them through conditions on cells off the grid
        Assert.True(firedCount > 40, $"only {firedCount} groundings fired");
        Assert.True(offGridFired > 10, $"only {offGridFired} groundings fired through off-grid conditions");
    }

    [Fact]
    public void AStateWithoutBatchDimsTakesAScalarAction()
    {
        using var scope = NewDisposeScope();
        var random = new Random(12);
        var schemas = FixedSchemas().Concat(RandomSchemas(random, 6)).ToList();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, schemas);
        var states = RandomStates(random, 3, Grid, [0.5, 0.5, 0.5, 0.5]);
        var actions = tensor(new long[] { 2, 0, 1 });
        var batched = network.Activations(states, actions);
        for (int b = 0; b < 3; b++)
        {
            var single = network.Activations(states[b], actions[b]);
            Assert.Equal(new long[] { schemas.Count, Grid.Rows, Grid.Columns }, single.shape);
            Assert.True(Same(single, batched[b]), $"state {b} alone differs from its batch entry");
        }
    }

    [Fact]
    public void NextProbabilitiesAreTheNoisyOrOfTheFiringSchemasComputedByHand()
    {
        using var scope = NewDisposeScope();
        var random = new Random(21);
        var schemas = FixedSchemas().Concat(RandomSchemas(random, 14)).ToList();
        const double reliability = 0.9, leak = 0.05;
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, schemas, reliability, leak);
        const int batch = 5;
        var state = RandomStates(random, batch, Grid, [0.5, 0.4, 0.5, 0.3]);
        var actions = tensor(Enumerable.Range(0, batch).Select(_ => (long)random.Next(ActionNames.Length)).ToArray());

        var prediction = network.NextProbabilities(state, actions);
        Assert.Equal(state.shape, prediction.Attributes.shape);
        Assert.Equal(new long[] { batch, RewardNames.Length }, prediction.Rewards.shape);
        Assert.True(Same(prediction.Activations, network.Activations(state, actions)), "the prediction carries the activations behind it");
        var (expectedAttributes, expectedRewards) = HandNoisyOr(Grid, schemas, RewardNames.Length, Values(state), Longs(actions), batch, reliability, leak);
        var attributes = Values(prediction.Attributes);
        var rewards = Values(prediction.Rewards);
        double worst = 0;
        for (int i = 0; i < attributes.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(attributes[i] - expectedAttributes[i]));
        }

        for (int i = 0; i < rewards.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(rewards[i] - expectedRewards[i]));
        }

        Assert.True(worst < 1e-12, $"largest difference from the hand noisy OR: {worst}");

        // the hand values cover every case of the noisy OR: nothing on (leak), self-transition only, several causes
        Assert.Contains(expectedAttributes, p => Math.Abs(p - leak) < 1e-15);
        Assert.Contains(expectedAttributes, p => Math.Abs(p - (1 - ((1 - leak) * (1 - reliability)))) < 1e-15);
        Assert.Contains(expectedAttributes, p => p > 1 - ((1 - leak) * (1 - reliability) * (1 - reliability)) - 1e-15);
        Assert.Contains(expectedRewards, p => p > 1 - ((1 - leak) * (1 - reliability) * (1 - reliability)) - 1e-15);

        // and Predict is the probabilities above one half, in the state's dtype
        var (next, reward) = network.Predict(state, actions);
        Assert.Equal(ScalarType.Float64, next.dtype);
        Assert.Equal(expectedAttributes.Select(p => p > 0.5 ? 1.0 : 0.0), Values(next));
        Assert.Equal(expectedRewards.Select(p => p > 0.5 ? 1.0 : 0.0), Values(reward));
    }

    [Fact]
    public void ATurnsOffSchemaStopsOnlyTheSelfTransitionNotATurnsOnSchema()
    {
        using var scope = NewDisposeScope();
        var grid = new EntityGrid(1, 3, ["x", "y"]);
        var on = new UngroundedSchema(SchemaEffect.TurnsOn, 0, [new Precondition(0, 0, 1, true)]);
        var off = new UngroundedSchema(SchemaEffect.TurnsOff, 0, [new Precondition(0, 1, 1, true)]);
        const double reliability = 0.8, leak = 0.01;
        var network = new SchemaNetwork(grid, ["noop"], [], [on, off], reliability, leak);

        // x = [1, 1, 1], y = [0, 1, 1]: cell 0 is switched off; cell 1 is switched off and on; cell 2 keeps x and is
        // switched on; y has no schemas and keeps its values
        var state = tensor(new double[] { 1, 1, 1, 0, 1, 1 }, dtype: float64).reshape(2, 1, 3);
        var p = Values(network.NextProbabilities(state, tensor(0L)).Attributes);
        double one = 1 - ((1 - leak) * (1 - reliability));
        double two = 1 - ((1 - leak) * (1 - reliability) * (1 - reliability));
        double[] expected = [leak, one, two, leak, one, one];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(p[i] - expected[i]) < 1e-14, $"entry {i}: {p[i]}, by hand {expected[i]}");
        }

        Assert.Empty(Values(network.NextProbabilities(state, tensor(0L)).Rewards));
    }

    [Fact]
    public void ANetworkWithoutSchemasKeepsEveryAttributeAndGivesNoReward()
    {
        using var scope = NewDisposeScope();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, []);
        var state = RandomStates(new Random(25), 3, Grid, [0.5, 0.5, 0.5, 0.5]);
        var actions = tensor(new long[] { 0, 1, 2 });
        Assert.Equal(new long[] { 3, 0, Grid.Rows, Grid.Columns }, network.Activations(state, actions).shape);
        var prediction = network.NextProbabilities(state, actions);
        double one = 1 - ((1 - network.Leak) * (1 - network.Reliability));
        Assert.True(prediction.Attributes.sub(state.mul(one - network.Leak).add(network.Leak)).abs().max().item<double>() < 1e-15);
        Assert.True(prediction.Rewards.sub(network.Leak).abs().max().item<double>() < 1e-15);
        var (next, rewards) = network.Predict(state, actions);
        Assert.True(Same(next, state));
        Assert.True(Same(rewards, zeros(3, RewardNames.Length, dtype: float64)));
    }

    [Fact]
    public void TheRolloutProgramHasNamedSitesOfTheDocumentedShapesAndTheNetworksProbabilities()
    {
        using var scope = NewDisposeScope();
        var random = new Random(31);
        var schemas = FixedSchemas().Concat(RandomSchemas(random, 10)).ToList();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, schemas, 0.9, 0.05);
        const int batch = 3, steps = 3;
        var state = RandomStates(random, batch, Grid, [0.5, 0.5, 0.5, 0.5]);
        var actions = tensor(Enumerable.Range(0, batch * steps).Select(_ => (long)random.Next(ActionNames.Length)).ToArray()).reshape(batch, steps);
        var program = new Func<SchemaRolloutInput, Tensor>(network.Rollout);
        var (trace, last) = program.Seed(3).TraceRun(new SchemaRolloutInput(state, actions));

        var expectedNames = new List<string>();
        expectedNames.AddRange(Grid.Attributes.Select(a => SchemaNetwork.AttributeSite(a, 0)));
        for (int t = 1; t <= steps; t++)
        {
            expectedNames.Add(SchemaNetwork.ActionSite(t - 1));
            expectedNames.AddRange(Enumerable.Range(0, schemas.Count).Select(s => SchemaNetwork.SchemaSite(s, t)));
            expectedNames.AddRange(Grid.Attributes.Select(a => SchemaNetwork.AttributeSite(a, t)));
            expectedNames.AddRange(RewardNames.Select(r => SchemaNetwork.RewardSite(r, t)));
        }

        expectedNames.AddRange(RewardNames.Select(SchemaNetwork.ReturnSite));
        Assert.Equal(expectedNames, trace.Nodes.Where(s => s.Kind != SiteKind.Plate).Select(s => s.Name));
        Assert.Equal([SchemaNetwork.EntitiesPlate], trace.Nodes.Where(s => s.Kind == SiteKind.Plate).Select(s => s.Name));
        Assert.Equal("ball@3", SchemaNetwork.AttributeSite("ball", 3));
        Assert.Equal("reward.brick@3", SchemaNetwork.RewardSite("brick", 3));
        Assert.Equal("schema7@3", SchemaNetwork.SchemaSite(7, 3));
        Assert.Equal("action@2", SchemaNetwork.ActionSite(2));
        Assert.Equal("return.brick", SchemaNetwork.ReturnSite("brick"));

        long entities = Grid.EntityCount;
        var current = state;
        var returns = zeros(batch, RewardNames.Length, dtype: float64);
        for (int t = 0; t < steps; t++)
        {
            var action = actions.select(-1, t);
            Assert.True(Same(trace[SchemaNetwork.ActionSite(t)].Value!, action.unsqueeze(-1)), $"action@{t} is [batch, 1]: a singleton where the entity plate's dim is");
            var prediction = network.NextProbabilities(current, action);
            for (int s = 0; s < schemas.Count; s++)
            {
                var site = trace[SchemaNetwork.SchemaSite(s, t + 1)];
                Assert.Equal(SiteKind.Deterministic, site.Kind);
                Assert.Equal(new long[] { batch, entities }, site.Value!.shape);
                Assert.Contains(site.Plates, f => f.Name == SchemaNetwork.EntitiesPlate);
                Assert.True(Same(site.Value, prediction.Activations.select(-3, s).reshape(batch, entities)), $"schema{s}@{t + 1} holds the activations of schema {s}");
            }

            var next = zeros_like(current);
            for (int a = 0; a < Grid.Attributes.Count; a++)
            {
                var site = trace[SchemaNetwork.AttributeSite(Grid.Attributes[a], t + 1)];
                Assert.Equal(SiteKind.Sample, site.Kind);
                Assert.False(site.IsObserved);
                Assert.Equal(new long[] { batch, entities }, site.Value!.shape);
                Assert.Contains(site.Plates, f => f.Name == SchemaNetwork.EntitiesPlate && f.Size == entities && f.Dim == -1);
                var bernoulli = Assert.IsType<Bernoulli>(site.Distribution);
                double gap = bernoulli.Probs.sub(prediction.Attributes.select(-3, a).reshape(batch, entities)).abs().max().item<double>();
                Assert.True(gap < 1e-12, $"{site.Name}: the Bernoulli's probabilities differ from NextProbabilities by {gap}");
                Assert.True(site.Value.eq(0).logical_or(site.Value.eq(1)).all().item<bool>(), $"{site.Name} is 0/1");
                next.select(1, a).copy_(site.Value.reshape(batch, Grid.Rows, Grid.Columns));
            }

            for (int r = 0; r < RewardNames.Length; r++)
            {
                var site = trace[SchemaNetwork.RewardSite(RewardNames[r], t + 1)];
                Assert.Equal(SiteKind.Sample, site.Kind);
                Assert.Equal(new long[] { batch, 1 }, site.Value!.shape);
                Assert.DoesNotContain(site.Plates, f => f.Name == SchemaNetwork.EntitiesPlate);
                var bernoulli = Assert.IsType<Bernoulli>(site.Distribution);
                double gap = bernoulli.Probs.sub(prediction.Rewards.select(-1, r).unsqueeze(-1)).abs().max().item<double>();
                Assert.True(gap < 1e-12, $"{site.Name}: the Bernoulli's probabilities differ from NextProbabilities by {gap}");
                returns.select(1, r).add_(site.Value.squeeze(-1));
            }

            current = next;
        }

        Assert.True(Same(last, current), "the rollout returns the last state");
        for (int a = 0; a < Grid.Attributes.Count; a++)
        {
            var site = trace[SchemaNetwork.AttributeSite(Grid.Attributes[a], 0)];
            Assert.Equal(SiteKind.Deterministic, site.Kind);
            Assert.True(Same(site.Value!, state.select(-3, a).reshape(batch, entities)), $"{site.Name} is the initial plane, flattened");
        }

        for (int r = 0; r < RewardNames.Length; r++)
        {
            var site = trace[SchemaNetwork.ReturnSite(RewardNames[r])];
            Assert.Equal(SiteKind.Deterministic, site.Kind);
            Assert.True(Same(site.Value!, returns.select(1, r).unsqueeze(-1)), $"{site.Name} is the sum of the reward draws, [batch, 1]");
        }
    }

    [Fact]
    public void ARolloutOfNoStepsRecordsTheStartAndZeroReturns()
    {
        using var scope = NewDisposeScope();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, FixedSchemas());
        var state = RandomStates(new Random(35), 2, Grid, [0.5, 0.5, 0.5, 0.5]);
        var program = new Func<SchemaRolloutInput, Tensor>(network.Rollout);
        var (trace, last) = program.TraceRun(new SchemaRolloutInput(state, zeros(2, 0, dtype: int64)));
        Assert.True(Same(last, state), "no steps: the rollout returns the initial state");
        Assert.True(Same(trace[SchemaNetwork.AttributeSite("wall", 0)].Value!, state.select(1, 1).reshape(2, -1)));
        foreach (string reward in RewardNames)
        {
            Assert.True(Same(trace[SchemaNetwork.ReturnSite(reward)].Value!, zeros(2, 1, dtype: float64)), $"{reward}: nothing is received in no steps");
        }
    }

    [Fact]
    public void AReliableNetworksSeededRolloutFollowsPredict()
    {
        using var scope = NewDisposeScope();
        var random = new Random(41);
        var schemas = FixedSchemas().Concat(RandomSchemas(random, 10)).ToList();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, schemas, reliability: 1 - 1e-9, leak: 1e-9);
        const int batch = 4, steps = 3;
        var state = RandomStates(random, batch, Grid, [0.5, 0.5, 0.5, 0.5]);
        var actions = tensor(Enumerable.Range(0, batch * steps).Select(_ => (long)random.Next(ActionNames.Length)).ToArray()).reshape(batch, steps);
        var program = new Func<SchemaRolloutInput, Tensor>(network.Rollout);
        var trace = program.Seed(7).GetTrace(new SchemaRolloutInput(state, actions));

        var current = state;
        int changes = 0;
        for (int t = 0; t < steps; t++)
        {
            var (next, rewards) = network.Predict(current, actions.select(-1, t));
            for (int a = 0; a < Grid.Attributes.Count; a++)
            {
                string name = SchemaNetwork.AttributeSite(Grid.Attributes[a], t + 1);
                Assert.True(Same(trace[name].Value!, next.select(-3, a).reshape(batch, -1)), $"{name} is not the predicted plane");
            }

            for (int r = 0; r < RewardNames.Length; r++)
            {
                string name = SchemaNetwork.RewardSite(RewardNames[r], t + 1);
                Assert.True(Same(trace[name].Value!, rewards.select(-1, r).unsqueeze(-1)), $"{name} is not the predicted reward");
            }

            changes += (int)next.ne(current).sum().item<long>();
            current = next;
        }

        Assert.True(changes > 20, $"the rollout barely moves ({changes} changes)");
    }

    [Fact]
    public void InterveningOnTheInitialStateOrAnActionChangesTheFirstStep()
    {
        using var scope = NewDisposeScope();
        var random = new Random(51);
        var schemas = FixedSchemas().Concat(RandomSchemas(random, 10)).ToList();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, schemas, 0.9, 0.05);
        const int batch = 2;
        var state = RandomStates(random, batch, Grid, [0.5, 0.5, 0.5, 0.5]);
        var actions = tensor(new long[] { 0, 1, 2, 2 }).reshape(batch, 2);
        var program = new Func<SchemaRolloutInput, Tensor>(network.Rollout);
        var input = new SchemaRolloutInput(state, actions);

        // do(ball@0 = the ball plane flipped)
        var flipped = state.select(-3, 0).reshape(batch, -1).neg().add(1);
        var trace = program.Intervene(new Dictionary<string, Intervention> { [SchemaNetwork.AttributeSite("ball", 0)] = flipped }).Seed(1).GetTrace(input);
        var edited = state.clone();
        edited.select(1, 0).copy_(flipped.reshape(batch, Grid.Rows, Grid.Columns));
        Assert.True(Same(trace[SchemaNetwork.AttributeSite("ball", 0)].Value!, flipped));
        var intervened = network.NextProbabilities(edited, actions.select(-1, 0));
        var factual = network.NextProbabilities(state, actions.select(-1, 0));
        Assert.False(intervened.Attributes.allclose(factual.Attributes), "the edit is one that matters");
        for (int a = 0; a < Grid.Attributes.Count; a++)
        {
            var bernoulli = Assert.IsType<Bernoulli>(trace[SchemaNetwork.AttributeSite(Grid.Attributes[a], 1)].Distribution);
            double gap = bernoulli.Probs.sub(intervened.Attributes.select(-3, a).reshape(batch, -1)).abs().max().item<double>();
            Assert.True(gap < 1e-12, $"step 1 of {Grid.Attributes[a]} follows the edited state (gap {gap})");
        }

        // do(action@0 = right everywhere)
        var right = tensor(new long[] { 2, 2 }).unsqueeze(-1);
        var acted = program.Intervene(new Dictionary<string, Intervention> { [SchemaNetwork.ActionSite(0)] = right }).Seed(1).GetTrace(input);
        var underRight = network.NextProbabilities(state, right.squeeze(-1));
        Assert.False(underRight.Attributes.allclose(factual.Attributes), "the action is one that matters");
        var ball = Assert.IsType<Bernoulli>(acted[SchemaNetwork.AttributeSite("ball", 1)].Distribution);
        Assert.True(ball.Probs.sub(underRight.Attributes.select(-3, 0).reshape(batch, -1)).abs().max().item<double>() < 1e-12);
        for (int r = 0; r < RewardNames.Length; r++)
        {
            var reward = Assert.IsType<Bernoulli>(acted[SchemaNetwork.RewardSite(RewardNames[r], 1)].Distribution);
            Assert.True(reward.Probs.sub(underRight.Rewards.select(-1, r).unsqueeze(-1)).abs().max().item<double>() < 1e-12);
        }
    }

    [Fact]
    public void ConditioningOnTheNextStateScoresItsNoisyOrLikelihood()
    {
        using var scope = NewDisposeScope();
        var random = new Random(61);
        var schemas = FixedSchemas().Concat(RandomSchemas(random, 10)).ToList();
        const double reliability = 0.9, leak = 0.05;
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, schemas, reliability, leak);
        const int batch = 2;
        var state = RandomStates(random, batch, Grid, [0.5, 0.5, 0.5, 0.5]);
        var actions = tensor(new long[] { 1, 2 }).reshape(batch, 1);
        var observed = RandomStates(random, batch, Grid, [0.5, 0.5, 0.5, 0.5]).select(-3, 2).reshape(batch, -1);
        var program = new Func<SchemaRolloutInput, Tensor>(network.Rollout);
        string brick = SchemaNetwork.AttributeSite("brick", 1);
        var trace = program.Condition(new Dictionary<string, Tensor> { [brick] = observed }).GetTrace(new SchemaRolloutInput(state, actions));

        Assert.True(trace[brick].IsObserved);
        Assert.True(Same(trace[brick].Value!, observed));
        var (probabilities, _) = HandNoisyOr(Grid, schemas, RewardNames.Length, Values(state), Longs(actions.select(-1, 0)), batch, reliability, leak);
        var seen = Values(observed);
        double expected = 0;
        int plane = Grid.EntityCount;
        for (int b = 0; b < batch; b++)
        {
            for (int e = 0; e < plane; e++)
            {
                double p = probabilities[(((b * Grid.Attributes.Count) + 2) * plane) + e];
                expected += seen[(b * plane) + e] == 1 ? Math.Log(p) : Math.Log(1 - p);
            }
        }

        double logLikelihood = trace[brick].LogProb().sum().item<double>();
        Assert.True(Math.Abs(logLikelihood - expected) < 1e-9, $"log-likelihood {logLikelihood}, by hand {expected}");
    }

    [Fact]
    public void TwinWorldsRunTheFactualAndTheEditedStartSideBySide()
    {
        using var scope = NewDisposeScope();
        var random = new Random(71);
        var schemas = FixedSchemas().Concat(RandomSchemas(random, 10)).ToList();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, schemas, 0.9, 0.05);
        const int batch = 2;
        var state = RandomStates(random, batch, Grid, [0.5, 0.5, 0.5, 0.5]);
        var actions = tensor(new long[] { 1, 2 }).reshape(batch, 1);
        var program = new Func<SchemaRolloutInput, Tensor>(network.Rollout);
        var flipped = state.select(-3, 0).reshape(batch, -1).neg().add(1);
        var trace = program.Intervene(new Dictionary<string, Intervention> { [SchemaNetwork.AttributeSite("ball", 0)] = flipped }).TwinWorld().Seed(1).GetTrace(new SchemaRolloutInput(state, actions));

        var edited = state.clone();
        edited.select(1, 0).copy_(flipped.reshape(batch, Grid.Rows, Grid.Columns));
        var factual = network.NextProbabilities(state, actions.select(-1, 0)).Attributes.select(-3, 0).reshape(batch, -1);
        var counterfactual = network.NextProbabilities(edited, actions.select(-1, 0)).Attributes.select(-3, 0).reshape(batch, -1);
        var probs = Assert.IsType<Bernoulli>(trace[SchemaNetwork.AttributeSite("ball", 1)].Distribution).Probs;
        var worlds = probs.reshape(2, batch, -1);
        Assert.True(worlds[0].sub(factual).abs().max().item<double>() < 1e-12, "world 0 is factual");
        Assert.True(worlds[1].sub(counterfactual).abs().max().item<double>() < 1e-12, "world 1 starts from the edited state");
    }

    [Fact]
    public void AVectorizedQueryRunsTheRolloutAndMatchesTheNoisyOrByHand()
    {
        // a plate of draws left of the entity plate: every site, rewards included, must line up with it
        using var scope = NewDisposeScope();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, FixedSchemas(), reliability: 0.6, leak: 0.01);
        // the first random state where a reward is uncertain, so the comparison has something to check
        var state = Enumerable.Range(0, 200).Select(seed => RandomStates(new Random(seed), 1, Grid, [0.3, 0.3, 0.3, 0.3]).squeeze(0))
            .First(s => network.NextProbabilities(s, tensor(1L)).Rewards.gt(0.05).logical_and(network.NextProbabilities(s, tensor(1L)).Rewards.lt(0.95)).any().item<bool>());
        var input = new SchemaRolloutInput(state, tensor(new long[] { 1 }));
        var rewards = network.NextProbabilities(state, tensor(1L)).Rewards;
        for (int r = 0; r < RewardNames.Length; r++)
        {
            var estimate = CausalQueries.Interventional<SchemaRolloutInput>(network.Rollout, input, new Dictionary<string, Intervention>(), SchemaNetwork.ReturnSite(RewardNames[r]), draws: 4000, seed: 3);
            double exact = rewards[r].item<double>();
            Assert.True(Math.Abs(estimate.Value - exact) < Math.Min(0.04, (4 * estimate.StandardError) + 1e-3), $"{RewardNames[r]}: query {estimate.Value:F4} ± {estimate.StandardError:F4}, noisy-OR by hand {exact:F4}");
        }
    }

    [Fact]
    public void WrongStatesAndActionsAreRejectedNamingTheShapes()
    {
        using var scope = NewDisposeScope();
        var network = new SchemaNetwork(Grid, ActionNames, RewardNames, FixedSchemas());
        var good = zeros(3, 4, 5, 6, dtype: float64);
        var actions = zeros(3, dtype: int64);

        var e = Assert.Throws<ArgumentException>(() => network.Activations(zeros(3, 4, 6, 5, dtype: float64), actions));
        Assert.Contains("[3, 4, 6, 5]", e.Message, StringComparison.Ordinal);
        Assert.Contains("4 attributes, 5 rows, 6 columns", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => network.NextProbabilities(zeros(3, 3, 5, 6, dtype: float64), actions));
        Assert.Contains("[3, 3, 5, 6]", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => network.Predict(zeros(5, 6, dtype: float64), actions));
        Assert.Contains("[5, 6]", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => network.Activations(zeros(3, 4, 5, 6, dtype: int64), actions));
        Assert.Contains("Int64", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => network.Activations(good, zeros(3, dtype: int32)));
        Assert.Contains("Int32", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => network.Activations(good, zeros(4, dtype: int64)));
        Assert.Contains("[3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", e.Message, StringComparison.Ordinal);

        var rollout = new Func<SchemaRolloutInput, Tensor>(network.Rollout);
        var wrapped = Assert.Throws<ModelExecutionException>(() => rollout.GetTrace(new SchemaRolloutInput(good, zeros(4, 2, dtype: int64))));
        Assert.IsType<ArgumentException>(wrapped.InnerException);
        Assert.Throws<ArgumentException>(() => network.Rollout(new SchemaRolloutInput(zeros(3, 4, 5, 7), zeros(3, 2, dtype: int64))));
    }

    [Fact]
    public void SchemasOutsideTheNetworksAttributesActionsOrRewardsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new SchemaNetwork(Grid, ActionNames, RewardNames, [new UngroundedSchema(SchemaEffect.TurnsOn, 4, [])]));
        Assert.Contains("attribute 4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new SchemaNetwork(Grid, ActionNames, RewardNames, [new UngroundedSchema(SchemaEffect.TurnsOff, 9, [])]));
        Assert.Contains("attribute 9", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new SchemaNetwork(Grid, ActionNames, RewardNames, [new UngroundedSchema(SchemaEffect.Reward, 2, [])]));
        Assert.Contains("reward 2", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new SchemaNetwork(Grid, ActionNames, RewardNames, [new UngroundedSchema(SchemaEffect.TurnsOn, 0, [], action: 3)]));
        Assert.Contains("action 3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new SchemaNetwork(Grid, ActionNames, RewardNames, [new UngroundedSchema(SchemaEffect.TurnsOn, 0, [new Precondition(1, 0, 4, true)])]));
        Assert.Contains("attribute 4", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new UngroundedSchema(SchemaEffect.TurnsOn, 0, [new Precondition(1, 0, 2, true), new Precondition(1, 0, 2, false)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UngroundedSchema(SchemaEffect.TurnsOn, -1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UngroundedSchema(SchemaEffect.TurnsOn, 0, [], action: -1));
        Assert.Throws<ArgumentException>(() => new SchemaNetwork(Grid, [], RewardNames, []));
        Assert.Throws<ArgumentException>(() => new SchemaNetwork(Grid, ActionNames, RewardNames, [], reliability: 1));
        Assert.Throws<ArgumentException>(() => new SchemaNetwork(Grid, ActionNames, RewardNames, [], leak: 0));
        Assert.Throws<ArgumentException>(() => new EntityGrid(2, 2, ["a", "a"]));
        Assert.Throws<ArgumentException>(() => Grid.AttributeIndex("paddles"));
        Assert.Equal(3, Grid.AttributeIndex("paddle"));
        Assert.Equal(13, Grid.IndexOf(new Entity(2, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Grid.IndexOf(new Entity(5, 0)));
    }

    [Fact]
    public void DescribeReadsTheRuleAndKeysAreCanonical()
    {
        var schema = new UngroundedSchema(SchemaEffect.TurnsOff, 0, [new Precondition(0, 1, 1, true), new Precondition(0, 0, 0, true), new Precondition(-1, 0, 2, false)], action: 2);
        Assert.Equal("IF no brick at (−1, 0) AND ball here AND wall at (0, +1) AND action = right THEN NOT ball here", schema.Describe(Grid, ActionNames, RewardNames));
        var reward = new UngroundedSchema(SchemaEffect.Reward, 1, []);
        Assert.Equal("IF always THEN reward loss", reward.Describe(Grid, ActionNames, RewardNames));
        var reordered = new UngroundedSchema(SchemaEffect.TurnsOff, 0, [new Precondition(-1, 0, 2, false), new Precondition(0, 1, 1, true), new Precondition(0, 0, 0, true)], action: 2);
        Assert.Equal(schema.Key, reordered.Key);
    }

    /// <summary>Schemas with conditions on cells that are always, sometimes or never off the grid, negative conditions and actions.</summary>
    internal static List<UngroundedSchema> FixedSchemas() =>
    [
        // "no wall" six columns right is off the grid of 6 columns everywhere: fires wherever there is a ball under action right
        new(SchemaEffect.TurnsOn, 2, [new Precondition(0, 0, 0, true), new Precondition(0, 6, 1, false)], action: 2),

        // a positive condition off the grid everywhere: never fires
        new(SchemaEffect.TurnsOn, 3, [new Precondition(-5, 0, 0, true)]),

        // a negative condition two rows up: true on the top two rows whatever the state
        new(SchemaEffect.TurnsOff, 0, [new Precondition(-2, 1, 3, false), new Precondition(0, 0, 0, true)]),

        // no conditions at all: every entity under action left
        new(SchemaEffect.Reward, 1, [], action: 1),
        new(SchemaEffect.Reward, 0, [new Precondition(0, 0, 0, true), new Precondition(0, -1, 2, true), new Precondition(1, 3, 1, false)]),
    ];

    /// <summary>Random schemas: 0-3 conditions at offsets up to 3 rows and 4 columns away, any effect, half with an action.</summary>
    internal static List<UngroundedSchema> RandomSchemas(Random random, int count)
    {
        var schemas = new List<UngroundedSchema>();
        while (schemas.Count < count)
        {
            var effect = (SchemaEffect)random.Next(3);
            int target = effect == SchemaEffect.Reward ? random.Next(RewardNames.Length) : random.Next(Grid.Attributes.Count);
            var conditions = new Dictionary<(int, int, int), Precondition>();
            int wanted = random.Next(4);
            while (conditions.Count < wanted)
            {
                var p = new Precondition(random.Next(-3, 4), random.Next(-4, 5), random.Next(Grid.Attributes.Count), random.Next(2) == 1);
                conditions[(p.RowOffset, p.ColumnOffset, p.Attribute)] = p;
            }

            int? action = random.Next(2) == 0 ? null : random.Next(ActionNames.Length);
            schemas.Add(new UngroundedSchema(effect, target, conditions.Values, action));
        }

        return schemas;
    }

    /// <summary>0/1 states [count, attributes, rows, columns] in float64, attribute a on with probability density[a].</summary>
    internal static Tensor RandomStates(Random random, int count, EntityGrid grid, double[] density)
    {
        int plane = grid.EntityCount;
        var values = new double[count * grid.Attributes.Count * plane];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextDouble() < density[i / plane % grid.Attributes.Count] ? 1 : 0;
        }

        return tensor(values, dtype: float64).reshape(count, grid.Attributes.Count, grid.Rows, grid.Columns);
    }

    /// <summary>Which grounding fired, [batch, schemas, rows, columns] flattened, checked cell by cell; off-grid cells hold 0.</summary>
    internal static bool[] BruteForceActivations(EntityGrid grid, IReadOnlyList<UngroundedSchema> schemas, double[] states, long[] actions, int batch)
    {
        int attributes = grid.Attributes.Count;
        var fired = new bool[batch * schemas.Count * grid.EntityCount];
        for (int b = 0; b < batch; b++)
        {
            for (int s = 0; s < schemas.Count; s++)
            {
                for (int r = 0; r < grid.Rows; r++)
                {
                    for (int c = 0; c < grid.Columns; c++)
                    {
                        bool active = schemas[s].Action is not int needed || needed == actions[b];
                        foreach (var p in schemas[s].Preconditions)
                        {
                            int rr = r + p.RowOffset, cc = c + p.ColumnOffset;
                            bool inside = rr >= 0 && rr < grid.Rows && cc >= 0 && cc < grid.Columns;
                            bool present = inside && states[(((((b * attributes) + p.Attribute) * grid.Rows) + rr) * grid.Columns) + cc] == 1;
                            active &= present == p.Value;
                        }

                        fired[Index4(b, s, r, c, schemas.Count, grid)] = active;
                    }
                }
            }
        }

        return fired;
    }

    /// <summary>
    /// The noisy OR by hand: P(next = 1) = 1 − (1 − leak)(1 − ρ)^(turn-on groundings firing + self-transition), the
    /// self-transition being "on now and no turn-off grounding fires here"; a reward's exponent counts its
    /// groundings firing anywhere on the grid.
    /// </summary>
    internal static (double[] Attributes, double[] Rewards) HandNoisyOr(EntityGrid grid, IReadOnlyList<UngroundedSchema> schemas, int rewardCount, double[] states, long[] actions, int batch, double reliability, double leak)
    {
        var fired = BruteForceActivations(grid, schemas, states, actions, batch);
        int attributes = grid.Attributes.Count;
        int plane = grid.EntityCount;
        var probabilities = new double[batch * attributes * plane];
        var rewards = new double[batch * rewardCount];
        for (int b = 0; b < batch; b++)
        {
            for (int a = 0; a < attributes; a++)
            {
                for (int e = 0; e < plane; e++)
                {
                    int on = 0;
                    bool off = false;
                    for (int s = 0; s < schemas.Count; s++)
                    {
                        if (schemas[s].Target == a && fired[(((b * schemas.Count) + s) * plane) + e])
                        {
                            on += schemas[s].Effect == SchemaEffect.TurnsOn ? 1 : 0;
                            off |= schemas[s].Effect == SchemaEffect.TurnsOff;
                        }
                    }

                    int index = (((b * attributes) + a) * plane) + e;
                    int causes = on + (states[index] == 1 && !off ? 1 : 0);
                    probabilities[index] = 1 - ((1 - leak) * Math.Pow(1 - reliability, causes));
                }
            }

            for (int r = 0; r < rewardCount; r++)
            {
                int causes = 0;
                for (int s = 0; s < schemas.Count; s++)
                {
                    if (schemas[s].Effect == SchemaEffect.Reward && schemas[s].Target == r)
                    {
                        for (int e = 0; e < plane; e++)
                        {
                            causes += fired[(((b * schemas.Count) + s) * plane) + e] ? 1 : 0;
                        }
                    }
                }

                rewards[(b * rewardCount) + r] = 1 - ((1 - leak) * Math.Pow(1 - reliability, causes));
            }
        }

        return (probabilities, rewards);
    }

    internal static double[] Values(Tensor t) => t.cpu().contiguous().to_type(ScalarType.Float64).data<double>().ToArray();

    internal static long[] Longs(Tensor t) => t.cpu().contiguous().data<long>().ToArray();

    internal static string Describe(SchemaNetwork network) =>
        string.Join(Environment.NewLine, network.Schemas.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"  {i}: {s.Describe(network.Grid, network.Actions, network.Rewards)}")));

    /// <summary>Same shape and every entry equal.</summary>
    internal static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static int Index4(int b, int s, int r, int c, int schemas, EntityGrid grid) => (((((b * schemas) + s) * grid.Rows) + r) * grid.Columns) + c;
}
