using System.Globalization;
using Ppl.Examples.FrozenLake.Mdp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake;

/// <summary>
/// A "what if" question about one logged episode: had the agent taken the target policy's action
/// at step 3 (and behaved as in production otherwise), would it have fallen into a hole? Answered
/// counterfactually (the episode's own posterior noise) and, for contrast, interventionally
/// (same history up to step 3, fresh ice afterwards).
/// </summary>
internal static class EpisodeQuestion
{
    private const int PreferredStep = 3;

    public static IReadOnlyDictionary<string, double> AskAndPrint(
        FrozenLakeMap map, TabularMdp mdp, EpisodeLog log, TabularPolicy behaviour, TabularPolicy target, long seed, long draws, TextWriter output)
    {
        using var scope = NewDisposeScope();
        long[] states = log.States.cpu().data<long>().ToArray();
        long[] actions = log.Actions.cpu().data<long>().ToArray();
        long[] lengths = log.Lengths.cpu().data<long>().ToArray();
        long[] preferred = target.GreedyActions.cpu().data<long>().ToArray();
        long width = log.Horizon + 1;
        long State(long e, long t) => states[(e * width) + t];
        long Action(long e, long t) => actions[(e * log.Horizon) + t];
        bool Deviates(long e, int t) => lengths[e] > t && Action(e, t) != preferred[State(e, t)];
        bool FellIn(long e) => map.IsHole(State(e, lengths[e]));

        // an episode that fell into a hole after deviating from the target policy at step 3 makes
        // the question interesting; otherwise any deviation at the earliest possible step
        var candidates = Enumerable.Range(0, (int)log.Count).Select(i => (long)i);
        int step = PreferredStep;
        long episode = candidates.FirstOrDefault(e => Deviates(e, step) && FellIn(e), -1);
        if (episode < 0)
        {
            (episode, step) = Enumerable.Range(0, (int)log.Horizon)
                .SelectMany(t => candidates.Where(e => Deviates(e, t)).Take(1).Select(e => (e, t)))
                .DefaultIfEmpty((-1L, -1))
                .First();
        }

        if (episode < 0)
        {
            output.WriteLine("No logged episode ever deviated from the target policy: there is no counterfactual question to ask.");
            return new Dictionary<string, double>();
        }

        long alternative = preferred[State(episode, step)];
        var cf = CounterfactualQuery.ActionAtStep(mdp, log, behaviour, episode, step, alternative, draws, seed);
        var interventional = CounterfactualQuery.ActionAtStep(mdp, log, behaviour, episode, step, alternative, draws, seed + 1, counterfactual: false);
        var (cfHole, cfGoal) = Outcomes(map, cf);
        var (doHole, doGoal) = Outcomes(map, interventional);

        long factualEnd = State(episode, lengths[episode]);
        string factualOutcome = map.IsHole(factualEnd) ? "fell into the hole at " + map.Describe(factualEnd)
            : map.Cells[(int)factualEnd] == 'G' ? "reached the goal" : "was still on the ice at the time limit";
        output.WriteLine($"What if? Logged episode #{episode}: {lengths[episode]} steps, {factualOutcome}.");
        output.WriteLine("  path: " + Path(map, Enumerable.Range(0, (int)lengths[episode] + 1).Select(t => State(episode, t)).ToList(),
            Enumerable.Range(0, (int)lengths[episode]).Select(t => Action(episode, t)).ToList()));
        output.WriteLine($"  at step {step}, in {map.Describe(State(episode, step))}, production chose '{FrozenLakeMap.ActionName(Action(episode, step))}'; "
            + $"the target policy would choose '{FrozenLakeMap.ActionName(alternative)}'.");
        output.WriteLine($"  Had we gone '{FrozenLakeMap.ActionName(alternative)}' at step {step} and behaved as in production otherwise, would we have fallen into a hole?");
        output.WriteLine($"    counterfactually (this episode's ice, {draws} posterior draws): P(hole) = {P(cfHole, draws)}, P(goal) = {P(cfGoal, draws)}");
        output.WriteLine($"    interventionally (same first {step} steps, fresh ice after):  P(hole) = {P(doHole, draws)}, P(goal) = {P(doGoal, draws)}");
        long[] firstDraw = cf.States!.select(0, 0).select(0, 0).cpu().data<long>().ToArray();
        long[] firstActions = cf.Actions!.select(0, 0).select(0, 0).cpu().data<long>().ToArray();
        long cfLength = cf.Lengths.select(0, 0).select(0, 0).item<long>();
        output.WriteLine("  one counterfactual path: " + Path(map, [.. firstDraw.Take((int)cfLength + 1)], [.. firstActions.Take((int)cfLength)]));
        return new Dictionary<string, double>
        {
            ["episode"] = episode,
            ["step"] = step,
            ["factualHole"] = map.IsHole(factualEnd) ? 1 : 0,
            ["counterfactualHole"] = cfHole,
            ["counterfactualGoal"] = cfGoal,
            ["interventionalHole"] = doHole,
            ["interventionalGoal"] = doGoal,
        };
    }

    private static (double Hole, double Goal) Outcomes(FrozenLakeMap map, ScmEpisodes episodes)
    {
        long[] finals = episodes.FinalStates.flatten().cpu().data<long>().ToArray();
        return (finals.Count(s => map.IsHole(s)) / (double)finals.Length, finals.Count(s => map.Cells[(int)s] == 'G') / (double)finals.Length);
    }

    private static string P(double p, long n) =>
        string.Create(CultureInfo.InvariantCulture, $"{p:F3} ± {Math.Sqrt(p * (1 - p) / n):F3}");

    private static string Path(FrozenLakeMap map, List<long> states, List<long> actions)
    {
        const int Shown = 12;
        var parts = new List<string> { Cell(map, states[0]) };
        for (int t = 0; t < Math.Min(actions.Count, Shown); t++)
        {
            parts.Add($"{FrozenLakeMap.ActionName(actions[t])}→{Cell(map, states[t + 1])}");
        }

        return string.Join(" ", parts) + (actions.Count > Shown ? $" … ({actions.Count - Shown} more) → {Cell(map, states[^1])}" : "");
    }

    private static string Cell(FrozenLakeMap map, long s) => $"{map.Cells[(int)s]}({s / map.Width},{s % map.Width})";
}
