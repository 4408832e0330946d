using System.Diagnostics;
using System.Globalization;
using Ppl.Causal;
using Ppl.Examples.FrozenLake.Mdp;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake;

/// <summary>
/// Counterfactual off-policy evaluation on FrozenLake (Oberst and Sontag 2019). A shortest-path
/// policy with ε-exploration runs in production and its episodes are logged; would the
/// value-iteration policy have done better? Each logged episode is explained by the Gumbel-max
/// SCM's posterior noise and replayed under the target policy; the average is compared with the
/// exact value (dynamic programming), fresh episodes of the target, the behaviour policy's own
/// reward and importance sampling. Then single episodes are asked "what if" questions.
/// </summary>
public sealed class FrozenLakeCfopeExample : IExample
{
    private const double BehaviourEpsilon = 0.2;
    private const double TargetEpsilon = 0.1;
    private const string Auto = ExampleOptions.Auto;

    /// <inheritdoc />
    public string Name => "frozenlake-cfope";

    /// <inheritdoc />
    public string Description => "Counterfactual off-policy evaluation with a Gumbel-max SCM on FrozenLake vs DP and importance sampling";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("map", "The lake: 4x4 or 8x8.", "4x4", ["4x4", "8x8"]),
        new("episodes", "Logged production episodes (auto: 2000 on 4x4, 1000 on 8x8, smoke 100).", Auto),
        new("draws", "Posterior noise draws per logged episode (auto: 16 on 4x4, 8 on 8x8, smoke 4).", Auto),
        new("slippery", "Slippery ice (true) or deterministic moves (false).", "true", ["true", "false"]),
        new("plot", "PNG file to write; empty for none (auto: frozenlake-cfope-<map>.png, none in smoke mode).", Auto),
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var map = FrozenLakeMap.ByName(options.Get("map", "4x4"));
        bool slippery = options.Get("slippery", "true") != "false";
        long episodes = Sized(options, "episodes", 100, map.Name == "4x4" ? 2000 : 1000);
        long draws = Sized(options, "draws", 4, map.Name == "4x4" ? 16 : 8);
        string plotPath = options.Get("plot", Auto) is var p && p != Auto ? p : options.Smoke ? "" : $"frozenlake-cfope-{map.Name}.png";
        if (episodes < 2 || draws < 1)
        {
            throw new ArgumentException($"--episodes must be at least 2 and --draws at least 1; got {episodes} and {draws}.", nameof(options));
        }

        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var mdp = map.ToMdp(slippery);
        var environment = new FrozenLakeEnvironment(map, slippery);
        var behaviour = FrozenLakePolicies.Heuristic(map, BehaviourEpsilon);
        var target = TabularPolicy.EpsilonGreedy($"value iteration, ε = {TargetEpsilon:0.##}", FrozenLakePolicies.Optimal(mdp), TargetEpsilon);

        double exactTarget = PolicyEvaluation.Value(mdp, target);
        double exactBehaviour = PolicyEvaluation.Value(mdp, behaviour);
        using var logGenerator = new Generator((ulong)options.Seed, mdp.Transition.device);
        var log = environment.Rollout(behaviour, episodes, logGenerator);
        using var freshGenerator = new Generator((ulong)options.Seed + 1, mdp.Transition.device);
        var fresh = CausalEstimate.OfMean(environment.Rollout(target, episodes, freshGenerator).Returns);
        var observed = CausalEstimate.OfMean(log.Returns);
        var ordinary = ImportanceSampling.Ordinary(mdp, log, behaviour, target);
        var perDecision = ImportanceSampling.PerDecision(mdp, log, behaviour, target);
        var weighted = ImportanceSampling.Weighted(mdp, log, behaviour, target);
        double ess = ImportanceSampling.EffectiveSampleSize(mdp, log, behaviour, target);
        double setupSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var counterfactual = ExampleProgress.Run(output, "CF replay", 1.0, progress =>
            CounterfactualEvaluation.Evaluate(mdp, log, behaviour, target, draws, options.Seed + 2, progress: progress));
        var cf = counterfactual.Value;
        double cfSeconds = clock.Elapsed.TotalSeconds;

        output.WriteLine($"FrozenLake {map.Name}, {(slippery ? "slippery" : "not slippery")}, time limit {map.Horizon}; seed {options.Seed}");
        output.WriteLine($"behaviour (production): {behaviour.Name}; target: {target.Name}");
        output.WriteLine($"{episodes:N0} logged episodes, {draws} posterior noise draws each; CF replay took {cfSeconds:F1} s ({setupSeconds:F1} s for the rest)");
        output.WriteLine();
        output.WriteLine("| value of …                       | estimate | std. error |");
        output.WriteLine("|----------------------------------|---------:|-----------:|");
        var rows = new List<(string Label, CausalEstimate Estimate)>
        {
            ("target: exact (DP)", CausalEstimate.Exact(exactTarget)),
            ("target: fresh episodes", fresh),
            ("target: CF replay of the log", cf),
            ("target: ordinary IS", ordinary),
            ("target: per-decision IS", perDecision),
            ("target: weighted IS", weighted),
            ("behaviour: observed in the log", observed),
            ("behaviour: exact (DP)", CausalEstimate.Exact(exactBehaviour)),
        };
        foreach (var (label, estimate) in rows)
        {
            output.WriteLine($"| {label,-32} | {Number(estimate.Value),8} | {Number(estimate.StandardError),10} |");
        }

        output.WriteLine();
        output.WriteLine($"Effective sample size of the importance weights: {ess:F1} of {episodes} episodes");
        output.WriteLine("  (Kish's (Σw)²/Σw² over the whole-episode weights w = Π π_target/π_behaviour of the ordinary and weighted IS rows).");
        output.WriteLine($"CF replay − exact = {cf.Value - exactTarget:+0.0000;-0.0000} = {(cf.Value - exactTarget) / Math.Max(cf.StandardError, 1e-12):+0.0;-0.0} standard errors.");
        output.WriteLine();
        var query = EpisodeQuestion.AskAndPrint(map, mdp, log, behaviour, target, options.Seed + 3, options.Smoke ? 200 : 2000, output);

        if (plotPath.Length > 0)
        {
            EstimatesPlot.Save(
                plotPath,
                $"FrozenLake {map.Name}{(slippery ? "" : " (not slippery)")}: value of the target policy from {episodes:N0} logged episodes",
                exactTarget,
                [.. rows.Where(r => r.Label.StartsWith("target", StringComparison.Ordinal) && !r.Label.Contains("exact", StringComparison.Ordinal))
                    .Append(rows[^2])
                    .Select(r => (r.Label.Replace("target: ", "", StringComparison.Ordinal), r.Estimate))]);
            output.WriteLine();
            output.WriteLine($"Plot written to {Path.GetFullPath(plotPath)}");
        }

        var values = new Dictionary<string, double>
        {
            ["exactTarget"] = exactTarget,
            ["exactBehaviour"] = exactBehaviour,
            ["fresh"] = fresh.Value,
            ["freshSe"] = fresh.StandardError,
            ["counterfactual"] = cf.Value,
            ["counterfactualSe"] = cf.StandardError,
            ["observed"] = observed.Value,
            ["observedSe"] = observed.StandardError,
            ["ordinaryIs"] = ordinary.Value,
            ["ordinaryIsSe"] = ordinary.StandardError,
            ["perDecisionIs"] = perDecision.Value,
            ["perDecisionIsSe"] = perDecision.StandardError,
            ["weightedIs"] = weighted.Value,
            ["weightedIsSe"] = weighted.StandardError,
            ["counterfactualSeconds"] = cfSeconds,
            ["importanceEss"] = ess,
        };
        foreach (var (key, value) in query)
        {
            values["query." + key] = value;
        }

        return new ExampleResult(values);
    }

    private static long Sized(ExampleOptions options, string name, long smoke, long full) =>
        options.GetInt64OrAuto(name, options.Smoke ? smoke : full);

    /// <summary>Four decimals, or three significant digits for tiny nonzero numbers (importance weights can be 1e-20).</summary>
    private static string Number(double value) =>
        value != 0 && Math.Abs(value) < 1e-3
            ? value.ToString("0.00E+0", CultureInfo.InvariantCulture)
            : value.ToString("F4", CultureInfo.InvariantCulture);
}
