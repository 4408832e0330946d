using System.Diagnostics;
using System.Globalization;
using Ppl.Causal.SchemaNetworks;
using static TorchSharp.torch;

namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>
/// Schema networks (Kansky et al., ICML 2017) on MiniBreakout: schemas learned from random-policy transitions,
/// their accuracy, planning with them on the standard layout and zero-shot on two variants against a tabular
/// Q-learner, causal queries on the transition program, and frames of a planned rollout.
/// </summary>
public sealed class SchemaNetworkExample : IExample
{
    private const int MaxSteps = 200;

    /// <inheritdoc />
    public string Name => "schema-network";

    /// <inheritdoc />
    public string Description => "Schema networks learn MiniBreakout's physics, plan with it and transfer zero-shot (Kansky et al. 2017)";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("transitions", "Random-policy transitions to learn from.", "2000"),
        new("episodes", "Planned episodes per layout.", "10"),
        new("horizon", "Steps the planner looks ahead (at most 12).", "12"),
        new("out", "Directory the PNG frames are written to.", "schema-network-plots"),
        ExampleThreads.Option,
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using var threads = ExampleThreads.Use(options);
        int transitions = options.Smoke ? 800 : (int)options.GetInt64("transitions", 2000);
        int episodes = options.Smoke ? 1 : (int)options.GetInt64("episodes", 10);
        int horizon = options.Smoke ? 6 : (int)options.GetInt64("horizon", 12);
        int maxSteps = options.Smoke ? 20 : MaxSteps;
        ArgumentOutOfRangeException.ThrowIfLessThan(transitions, 100, "--transitions");
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1, "--episodes");
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1, "--horizon");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(horizon, 12, "--horizon");
        string outDir = options.Get("out", "schema-network-plots");
        Directory.CreateDirectory(outDir);
        var values = new Dictionary<string, double>();
        using var scope = NewDisposeScope();
        int seed = (int)options.Seed;

        // 1. learn
        var train = BreakoutData.RandomPolicy(BreakoutLayout.Standard, transitions, seed + 1);
        var clock = Stopwatch.StartNew();
        var learned = SchemaLearner.Learn(BreakoutData.Grid, MiniBreakout.Actions, MiniBreakout.Rewards, train, BreakoutData.LearnerOptions);
        output.WriteLine(Invariant($"Learned {learned.Schemas.Count} schemas from {transitions:N0} random-policy transitions in {clock.Elapsed.TotalSeconds:F1} s (hand-written: {HandWrittenSchemas.All.Count}; acceptance: at most {2 * HandWrittenSchemas.All.Count})."));
        foreach (var schema in learned.Schemas)
        {
            output.WriteLine("  " + schema.Describe(BreakoutData.Grid, MiniBreakout.Actions, MiniBreakout.Rewards));
        }

        values["schemas"] = learned.Schemas.Count;
        values["hand-written schemas"] = HandWrittenSchemas.All.Count;
        output.WriteLine();

        // 2. accuracy on held-out transitions of every layout
        output.WriteLine("Held-out next-step accuracy of the learned schemas (1,000 random-policy transitions per layout; the variants never seen):");
        output.WriteLine("  layout         attributes  whole states  rewards");
        foreach (var layout in Layouts)
        {
            var test = BreakoutData.RandomPolicy(layout, options.Smoke ? 300 : 1000, seed + 2);
            var (next, rewards) = learned.Predict(test.States, test.Actions);
            double attributes = next.eq(test.NextStates).to_type(ScalarType.Float64).mean().item<double>();
            double whole = next.eq(test.NextStates).flatten(1).all(1).to_type(ScalarType.Float64).mean().item<double>();
            double rewardAccuracy = rewards.eq(test.Rewards).to_type(ScalarType.Float64).mean().item<double>();
            output.WriteLine(Invariant($"  {layout,-13}  {attributes,9:P3}  {whole,11:P1}  {rewardAccuracy,7:P2}"));
            values[$"{layout} attribute accuracy"] = attributes;
            values[$"{layout} reward accuracy"] = rewardAccuracy;
        }

        output.WriteLine();

        // 3. planning against the baselines
        clock.Restart();
        var planner = new BreakoutPlanningAgent(learned, horizon, missValue: -10);
        var fullObservation = BreakoutQLearner.Train(BreakoutLayout.Standard, options.Smoke ? 500 : 50000, seed + 3, maxSteps, QLearnerView.FullObservation);
        var ballAndPaddle = BreakoutQLearner.Train(BreakoutLayout.Standard, options.Smoke ? 500 : 5000, seed + 3, maxSteps, QLearnerView.BallAndPaddle);
        var random = new Random(seed + 4);
        var policies = new (string Name, Func<bool[,,], int> Act)[]
        {
            ("schema network", planner.Act),
            ("Q, full observation", fullObservation.Act),
            ("Q, ball and paddle", ballAndPaddle.Act),
            ("random", _ => random.Next(MiniBreakout.Actions.Count)),
        };
        var table = new List<string>
        {
            Invariant($"Success (every brick cleared, or the ball in play after {maxSteps} steps) over {episodes} episodes per layout; planner: horizon {horizon}, MPC over {ActionSequences.RunThenHold(3, MiniBreakout.Stay, horizon).shape[0]} move-then-stay sequences:"),
            "  policy                 " + string.Join("  ", Layouts.Select(l => $"{l,12}")),
        };
        var firstEpisodes = new Dictionary<BreakoutLayout, List<(bool[,,] State, int Action)>>();
        foreach (var (name, act) in policies)
        {
            var rates = new List<double>();
            foreach (var layout in Layouts)
            {
                var episodeRandom = new Random(seed + 5);
                int successes = 0;
                for (int e = 0; e < episodes; e++)
                {
                    var record = name == "schema network" && e == 0 ? new List<(bool[,,], int)>() : null;
                    successes += Play(layout, act, episodeRandom, maxSteps, record) ? 1 : 0;
                    if (record is not null)
                    {
                        firstEpisodes[layout] = record;
                    }

                    if (name == "schema network")
                    {
                        output.WriteLine(Invariant($"    planning {layout}: episode {e + 1}/{episodes}, {successes} successes"));
                    }
                }

                rates.Add((double)successes / episodes);
                values[$"{name} {layout} success"] = (double)successes / episodes;
            }

            table.Add(Invariant($"  {name,-21}  {string.Join("  ", rates.Select(r => $"{r,12:P0}"))}"));
        }

        table.Add(Invariant($"  ({clock.Elapsed.TotalSeconds:F0} s, the Q-learners' training included)"));
        table.ForEach(output.WriteLine);
        output.WriteLine();

        // 4. causal queries on the transition program
        clock.Restart();
        QueryReport.Write(output, learned, options.Smoke, seed, values);
        output.WriteLine(Invariant($"  ({clock.Elapsed.TotalSeconds:F0} s)"));
        output.WriteLine();

        // 5. frames of the planned episodes
        var pictures = new List<string>();
        foreach (var (layout, record) in firstEpisodes)
        {
            string path = Path.Combine(outDir, $"planned-{layout.ToString().ToLowerInvariant()}.png");
            var shown = record.Where((_, t) => t % 2 == 0).Take(24).ToList();
            BreakoutFrames.WritePng(path, shown.Select(f => f.State).ToList(), shown.Select((f, i) => Invariant($"t={2 * i} {MiniBreakout.Actions[f.Action]}")).ToList(), columns: 6);
            pictures.Add(path);
        }

        output.WriteLine($"Pictures: {string.Join(", ", pictures)}");
        return new ExampleResult(values);
    }

    private static BreakoutLayout[] Layouts { get; } = [BreakoutLayout.Standard, BreakoutLayout.OffsetPaddle, BreakoutLayout.MiddleWall];

    private static bool Play(BreakoutLayout layout, Func<bool[,,], int> act, Random random, int maxSteps, List<(bool[,,], int)>? record)
    {
        Func<bool[,,], int> policy = record is null ? act : state =>
        {
            int action = act(state);
            record.Add((state, action));
            return action;
        };
        return BreakoutEpisode.Play(layout, policy, random, maxSteps).Success;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
