using Ppl.Causal;
using Ppl.Examples.FrozenLake;
using Ppl.Examples.FrozenLake.Mdp;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.FrozenLake;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class PolicyValueTests
{
    [Theory]
    [InlineData("4x4")]
    [InlineData("8x8")]
    public void ExactValueAgreesWithFreshEpisodesOfTheEnvironment(string name)
    {
        var map = FrozenLakeMap.ByName(name);
        var mdp = map.ToMdp(slippery: true);
        var optimal = FrozenLakePolicies.Optimal(mdp);
        var heuristic = FrozenLakePolicies.Heuristic(map, 0.2);
        using var generator = new Generator(11, CPU);
        foreach (var policy in new[] { optimal, heuristic })
        {
            double exact = PolicyEvaluation.Value(mdp, policy);
            var simulated = CausalEstimate.OfMean(new FrozenLakeEnvironment(map, slippery: true).Rollout(policy, 2000, generator).Returns);
            Assert.True(simulated.Covers(exact, 5), $"{name} {policy.Name}: exact {exact:F4}, simulated {simulated}");
        }

        Assert.True(PolicyEvaluation.Value(mdp, optimal) > PolicyEvaluation.Value(mdp, heuristic) + 0.2, "value iteration should beat the slip-blind heuristic");
    }

    [Fact]
    public void OptimalPolicyOnFixedIceAlwaysReachesTheGoal()
    {
        var mdp = FrozenLakeMap.Standard8x8.ToMdp(slippery: false);
        Assert.Equal(1.0, PolicyEvaluation.Value(mdp, FrozenLakePolicies.Optimal(mdp)), 12);
    }

    [Fact]
    public void ImportanceSamplingOfTheBehaviourPolicyItselfIsTheObservedMean()
    {
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var behaviour = FrozenLakePolicies.Heuristic(map, 0.3);
        using var generator = new Generator(3, CPU);
        var log = new FrozenLakeEnvironment(map, slippery: true).Rollout(behaviour, 500, generator);
        var observed = CausalEstimate.OfMean(log.Returns);
        Assert.Equal(observed.Value, ImportanceSampling.Ordinary(mdp, log, behaviour, behaviour).Value, 12);
        Assert.Equal(observed.Value, ImportanceSampling.Weighted(mdp, log, behaviour, behaviour).Value, 12);
        Assert.Equal(500, ImportanceSampling.EffectiveSampleSize(mdp, log, behaviour, behaviour), 9);
    }

    [Fact]
    public void WithRewardOnlyOnEnteringTheGoalPerDecisionEqualsOrdinaryImportanceSampling()
    {
        // the only reward comes at an episode's last step, where the cumulative ratio is the whole product
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var behaviour = FrozenLakePolicies.Heuristic(map, 0.5);
        var target = TabularPolicy.EpsilonGreedy("target", FrozenLakePolicies.Optimal(mdp), 0.5);
        using var generator = new Generator(4, CPU);
        var log = new FrozenLakeEnvironment(map, slippery: true).Rollout(behaviour, 2000, generator);
        var ordinary = ImportanceSampling.Ordinary(mdp, log, behaviour, target);
        Assert.Equal(ordinary.Value, ImportanceSampling.PerDecision(mdp, log, behaviour, target).Value, 9);
        Assert.True(ordinary.Value > 0, "some rewarded episode must carry weight");
    }
}
