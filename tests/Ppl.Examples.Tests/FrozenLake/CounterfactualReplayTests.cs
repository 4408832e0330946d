using Ppl.Causal;
using Ppl.Examples.FrozenLake;
using Ppl.Examples.FrozenLake.Mdp;
using Ppl.Handlers;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.FrozenLake;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class CounterfactualReplayTests
{
    private static EpisodeLog Log(FrozenLakeMap map, bool slippery, TabularPolicy behaviour, long episodes, ulong seed)
    {
        using var generator = new Generator(seed, CPU);
        return new FrozenLakeEnvironment(map, slippery).Rollout(behaviour, episodes, generator);
    }

    [Fact]
    public void ReplayingTheBehaviourPolicyWithPosteriorNoiseReproducesEveryLoggedEpisode()
    {
        // the ε-random choices are part of the SCM (action noise), so they are abducted and replayed too
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var behaviour = FrozenLakePolicies.Heuristic(map, 0.3);
        var log = Log(map, slippery: true, behaviour, 300, 8);
        const long draws = 6;
        ScmEpisodes replay;
        using (LoggedEpisodeAbduction.Create(mdp, log, behaviour, draws, new Generator(9, CPU)).Install())
        {
            replay = MdpScm.Run(ScmArguments.ForPolicy(mdp, behaviour, [draws, log.Count], recordPath: true));
        }

        Assert.True(replay.States!.eq(log.States.expand(draws, -1, -1)).all().item<bool>(), "replayed states differ from the log");
        var alive = log.Alive.expand(draws, -1, -1);
        Assert.True(replay.Actions!.masked_select(alive).eq(log.Actions.expand(draws, -1, -1).masked_select(alive)).all().item<bool>(), "replayed actions differ");
        Assert.True(replay.Lengths.eq(log.Lengths.expand(draws, -1)).all().item<bool>());
        Assert.True(replay.Returns.eq(log.Returns.expand(draws, -1)).all().item<bool>());
    }

    [Fact]
    public void ATraceOfOneEpisodeShowsEveryNoiseSite()
    {
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var policy = FrozenLakePolicies.Heuristic(map, 0.2);
        Func<ScmArguments, ScmEpisodes> program = MdpScm.Run;
        var (trace, episode) = program.Seed(2).TraceRun(ScmArguments.ForPolicy(mdp, policy, [1]));
        long length = episode.Lengths[0].item<long>();
        for (int t = 0; t < length; t++)
        {
            Assert.Equal([1, 4], trace[MdpScm.ActionNoiseSite(t)].Value!.shape);
            Assert.Equal([1, 16], trace[MdpScm.StateNoiseSite(t)].Value!.shape);
            var state = t == 0 ? tensor(new long[] { 0 }) : trace[MdpScm.StateSite(t)].Value!;
            var action = GumbelMax.Apply(policy.Logits[state], trace[MdpScm.ActionNoiseSite(t)].Value!);
            Assert.Equal(action.item<long>(), trace[MdpScm.ActionSite(t)].Value!.item<long>());
            var next = GumbelMax.Apply(mdp.TransitionLogits[state, action], trace[MdpScm.StateNoiseSite(t)].Value!);
            Assert.Equal(next.item<long>(), trace[MdpScm.StateSite(t + 1)].Value!.item<long>());
        }
    }

    [Fact]
    public void OnFixedIceTheCounterfactualValueIsExactlyTheTargetsTrueValue()
    {
        // no slipping: the next state does not depend on the noise, and a deterministic target
        // ignores its action noise, so every replay of every episode is the target's one path
        foreach (var map in new[] { FrozenLakeMap.Standard4x4, FrozenLakeMap.Standard8x8 })
        {
            var mdp = map.ToMdp(slippery: false);
            var behaviour = FrozenLakePolicies.Heuristic(map, 0.4);
            var log = Log(map, slippery: false, behaviour, 64, 12);
            // plus, on the small map, a target that never arrives (it walks the full time limit)
            var targets = map.Name == "4x4"
                ? new[] { FrozenLakePolicies.Optimal(mdp), TabularPolicy.Deterministic("always up", full([map.StateCount], 3L), 4) }
                : new[] { FrozenLakePolicies.Optimal(mdp) };
            foreach (var target in targets)
            {
                double exact = PolicyEvaluation.Value(mdp, target);
                var result = CounterfactualEvaluation.Evaluate(mdp, log, behaviour, target, draws: 3, seed: 1);
                Assert.True(result.Returns.eq(exact).all().item<bool>(), $"{map.Name} {target.Name}: a replay's return differs from the exact value {exact}");
                Assert.Equal(exact, result.Value.Value, 12);
            }
        }
    }

    [Fact]
    public void OnSlipperyIceTheCounterfactualEstimateIsUnbiasedForTheTargetsTrueValue()
    {
        // Averaged over episodes logged by the behaviour policy, the exact noise posterior is the
        // prior, so the replay is a draw of the target policy's own episode: the estimator is
        // unbiased for its value; the standard error across episodes bounds the deviation.
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var behaviour = FrozenLakePolicies.Heuristic(map, 0.2);
        var target = TabularPolicy.EpsilonGreedy("target", FrozenLakePolicies.Optimal(mdp), 0.1);
        var log = Log(map, slippery: true, behaviour, 600, 21);
        var result = CounterfactualEvaluation.Evaluate(mdp, log, behaviour, target, draws: 2, seed: 22);
        double exact = PolicyEvaluation.Value(mdp, target);
        Assert.True(result.Value.Covers(exact, 5), $"counterfactual {result.Value} vs exact {exact:F4}");
        var observed = CausalEstimate.OfMean(log.Returns);
        Assert.False(observed.Covers(exact, 5), "the log's own reward must not already be the answer (else the test cannot fail)");
    }

    [Fact]
    public void ProgressRisesStepByStepToOneOverEveryChunkAndLeavesTheResultUnchanged()
    {
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var behaviour = FrozenLakePolicies.Heuristic(map, 0.2);
        var target = TabularPolicy.EpsilonGreedy("target", FrozenLakePolicies.Optimal(mdp), 0.1);
        var log = Log(map, slippery: true, behaviour, 40, 5);
        var reports = new List<double>();
        // 2 draws × 16 categories per episode and 320 elements per chunk: 10 episodes a chunk, 4 chunks
        var withProgress = CounterfactualEvaluation.Evaluate(mdp, log, behaviour, target, 2, 7, maxElements: 320, progress: new SynchronousProgress(reports.Add));
        var without = CounterfactualEvaluation.Evaluate(mdp, log, behaviour, target, 2, 7, maxElements: 320);

        Assert.True(withProgress.Returns.eq(without.Returns).all().item<bool>(), "watching the replay changed it");
        Assert.Equal(1.0, reports[^1], 12);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second >= p.First), "progress went backwards");
        Assert.Equal([0.25, 0.5, 0.75, 1.0], reports.Where(r => r > 0 && Math.Abs((r * 4) - Math.Round(r * 4)) < 1e-12).Distinct());
        Assert.True(reports.Count > 8, $"only {reports.Count} reports: progress is not step by step");
    }

    /// <summary>IProgress that calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    [Fact]
    public void AskingAboutTheActionActuallyTakenReturnsTheFactualOutcome()
    {
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var behaviour = FrozenLakePolicies.Heuristic(map, 0.3);
        var log = Log(map, slippery: true, behaviour, 50, 31);
        long episode = Enumerable.Range(0, 50).First(e => log.Lengths[e].item<long>() > 3);
        long taken = log.Actions[episode, 3].item<long>();
        var replay = CounterfactualQuery.ActionAtStep(mdp, log, behaviour, episode, 3, taken, draws: 20, seed: 4);
        long factualFinal = log.States[episode, log.Lengths[episode]].item<long>();
        Assert.True(replay.FinalStates.eq(factualFinal).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterfactualQuery.ActionAtStep(mdp, log, behaviour, episode, 500, taken, 2, 0));
    }

    [Fact]
    public void CounterfactualRunsDoNotLeakTensors()
    {
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var behaviour = FrozenLakePolicies.Heuristic(map, 0.3);
        var log = Log(map, slippery: true, behaviour, 20, 41);
        var target = FrozenLakePolicies.Optimal(mdp);
        void Exercise()
        {
            using var scope = NewDisposeScope();
            CounterfactualEvaluation.Evaluate(mdp, log, behaviour, target, 2, 0);
        }

        LiveTensors.AssertNoLeak(Exercise, repeats: 1);
    }
}
