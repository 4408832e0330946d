using System.Collections.Immutable;
using System.Diagnostics;
using System.Reactive.Linq;
using Ppl.Examples.GillespieScm.Kinetics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.GillespieScm;

/// <summary>
/// Does do() on a kinetic model at equilibrium agree with do() on its structural causal model?
/// A three-kinase cascade X1 → X2 → X3 is simulated with Gillespie's algorithm over thousands
/// of independent cells under clamping interventions, and its equilibrium law of the downstream
/// species is compared with the SCM X_i ~ Binomial(T_i, a_i·X_{i−1} / (a_i·X_{i−1} + d_i)) under
/// the same do(). Intervening on the direct parent agrees exactly; intervening further up agrees
/// only when the middle species is slow, because the SCM assumes each child equilibrates to its
/// parent's current value.
/// </summary>
public sealed class GillespieScmExample : IExample
{
    /// <summary>The cascade: X1 (10 molecules) drives X2 (20) weakly, X2 drives X3 (50) into saturation.</summary>
    public static Cascade BaseCascade { get; } = new([10, 20, 50], [1.0, 0.05, 0.5], [1.0, 1.0, 1.0]);

    /// <inheritdoc />
    public string Name => "gillespie-scm";

    /// <inheritdoc />
    public string Description => "Gillespie simulation of a kinase cascade vs its equilibrium SCM under do()";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("cells", "Independent cells simulated per intervention (smoke: 300).", "4000"),
        new("out", "Directory the PNG plots are written to.", "gillespie-scm-plots"),
    ];

    private static readonly long[] ClampsOfX2 = [1, 2, 4, 8];
    private static readonly long[] SmokeClampsOfX2 = [4];
    private static readonly long[] ClampsOfX1 = [2, 5, 10];
    private static readonly long[] SmokeClampsOfX1 = [5];

    /// <summary>What each one-word expectation in the table means.</summary>
    internal static IReadOnlyList<string> ExpectationLegend { get; } =
    [
        "equal: the clamp fixes the target's direct parent, so the SCM is exact",
        "differ: X3 averages a fast X2 (larger mean, smaller variance than the SCM)",
        "close: X3 tracks a slow X2, as the SCM assumes",
        "between: base rates lie between the fast and slow limits",
    ];

    /// <summary>The rows of the comparison table.</summary>
    internal static IReadOnlyList<ComparisonCase> Cases(bool smoke)
    {
        const string exact = "equal";
        var cases = new List<ComparisonCase>();
        foreach (long x in smoke ? SmokeClampsOfX2 : ClampsOfX2)
        {
            cases.Add(new("base rates", 1, KineticIntervention.Clamp(1, x), 2, exact));
        }

        if (!smoke)
        {
            cases.Add(new("base rates", 1, KineticIntervention.Clamp(0, 5), 1, exact));
        }
        foreach (long x in smoke ? SmokeClampsOfX1 : ClampsOfX1)
        {
            cases.Add(new("fast X2 (×20)", 20, KineticIntervention.Clamp(0, x), 2, "differ"));
            if (!smoke)
            {
                cases.Add(new("base rates", 1, KineticIntervention.Clamp(0, x), 2, "between"));
            }

            if (!smoke)
            {
                cases.Add(new("slow X2 (×1/10)", 1.0 / 10, KineticIntervention.Clamp(0, x), 2, "close"));
            }
        }

        return cases;
    }

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        long cells = options.Smoke ? 300 : options.GetInt64("cells", 4000);
        long scmDraws = options.Smoke ? 20_000 : 200_000;
        string outDir = options.Get("out", "gillespie-scm-plots");
        Directory.CreateDirectory(outDir);

        output.WriteLine($"Cascade: totals [{string.Join(", ", BaseCascade.Totals)}], activation [{string.Join(", ", BaseCascade.Activation)}], deactivation [{string.Join(", ", BaseCascade.Deactivation)}]");
        output.WriteLine($"Gillespie: {cells:N0} independent cells per row, each read once after 10 relaxation times");
        output.WriteLine($"of the slowest species; SCM program: {scmDraws:N0} draws under Do.");
        output.WriteLine();

        var cases = Cases(options.Smoke);
        var rows = ExampleProgress.Run(output, "Gillespie vs SCM", cases.Count, progress =>
            cases.Select((c, i) =>
            {
                progress.Report(i, c.Label);
                return Compare(c, cells, scmDraws, options.Seed + i);
            }).ToList());
        output.WriteLine();
        WriteTable(output, rows);

        var values = new Dictionary<string, double>();
        foreach (var row in rows)
        {
            string key = row.Case.Label;
            values[key + ": simMean"] = row.Simulated.Mean;
            values[key + ": simVar"] = row.Simulated.Variance;
            values[key + ": se"] = row.StandardError;
            values[key + ": scmMean"] = row.ScmExact.Mean;
            values[key + ": scmVar"] = row.ScmExact.Variance;
            values[key + ": scmProgramMean"] = row.ScmProgramMean;
            values[key + ": w1"] = row.Simulated.Wasserstein1(row.ScmExact);
            values[key + ": w1Floor"] = row.NoiseFloorW1;
            values[key + ": averagedDriveMean"] = row.AveragedDriveMean;
        }

        WriteCounterfactual(output, options, values);
        WritePlots(outDir, rows, options, output);
        return new ExampleResult(values);
    }

    private static ComparisonRow Compare(ComparisonCase c, long cells, long scmDraws, long seed)
    {
        var cascade = BaseCascade.WithTimescale(1, c.X2Timescale);
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, CPU);
        var watch = Stopwatch.StartNew();
        var snapshots = BatchedGillespie.Simulate(cascade, c.Intervention, cells, new long[cascade.SpeciesCount], [Horizon(cascade, c.Intervention)], generator);
        double seconds = watch.Elapsed.TotalSeconds;
        long total = cascade.Totals[c.Target];
        var simulated = CountDistribution.FromSamples(snapshots.Of(c.Target), total);
        var exact = EquilibriumScm.InterventionalDistribution(cascade, c.Intervention, c.Target);

        // the SCM as a Ppl program under Do: its draws must reproduce the exact law
        var draws = EquilibriumScm.SampleInterventional(cascade, c.Intervention, c.Target, scmDraws, seed).to(ScalarType.Float64);
        double programMean = draws.mean().item<double>();
        double programVariance = draws.var().item<double>();
        var floorSample = CountDistribution.FromSamples(draws.narrow(0, 0, Math.Min(cells, scmDraws)), total);
        double parentMean = EquilibriumScm.InterventionalDistribution(cascade, c.Intervention, c.Target - 1).Mean;
        double averagedDrive = total * cascade.ActiveProbability(c.Target, parentMean);
        return new ComparisonRow(c, simulated, exact, programMean, programVariance, averagedDrive, floorSample.Wasserstein1(exact), snapshots.Steps, seconds);
    }

    /// <summary>
    /// 10 relaxation times of the slowest species (the start's influence decays like e^-10): a
    /// molecule relaxes at on-rate + off-rate, at least at its off-rate when its parent fluctuates
    /// (drive 0 is the slowest) and at exactly the clamped drive when its parent is clamped.
    /// </summary>
    internal static double Horizon(Cascade cascade, KineticIntervention intervention)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(intervention);
        double slowest = double.PositiveInfinity;
        for (int i = 0; i < cascade.SpeciesCount; i++)
        {
            if (intervention.Clamped.ContainsKey(i))
            {
                continue;
            }

            double drive = i > 0 && intervention.Clamped.TryGetValue(i - 1, out long parent) ? parent : 0;
            slowest = Math.Min(slowest, cascade.RelaxationRate(i, drive));
        }

        return 10 / slowest;
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<ComparisonRow> rows)
    {
        // two narrow tables rather than one wide one: each fits an 80-column terminal
        output.WriteLine("Means of the target's equilibrium law:");
        output.WriteLine();
        output.WriteLine("| do() → target | regime | sim mean ± se | SCM mean | z | T·p(E parent) | expected |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            output.WriteLine(
                $"| {Intervened(r.Case)} | {r.Case.Regime} | {r.Simulated.Mean:F2} ± {r.StandardError:F2} | {r.ScmExact.Mean:F2} | {r.Z:F1} | {r.AveragedDriveMean:F2} | {r.Case.Expectation} |");
        }

        output.WriteLine();
        output.WriteLine("z = (sim mean − SCM mean) / se.");
        output.WriteLine("T·p(E parent): the mean if the target averaged an infinitely fast parent.");
        foreach (string line in ExpectationLegend)
        {
            output.WriteLine("expected " + line + ".");
        }

        output.WriteLine();
        output.WriteLine("Whole laws:");
        output.WriteLine();
        output.WriteLine("| do() → target | regime | sim var | SCM var | TV | W1 (floor) | program mean | steps | s |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            output.WriteLine(
                $"| {Intervened(r.Case)} | {r.Case.Regime} | {r.Simulated.Variance:F2} | {r.ScmExact.Variance:F2} | {r.Simulated.TotalVariation(r.ScmExact):F3} | " +
                $"{r.Simulated.Wasserstein1(r.ScmExact):F2} ({r.NoiseFloorW1:F2}) | {r.ScmProgramMean:F2} | {r.Steps:N0} | {r.Seconds:F1} |");
        }

        output.WriteLine();
        output.WriteLine("TV: total variation distance of the simulated and SCM laws, ½ Σ_k |p_sim(k) − p_SCM(k)| (0 to 1).");
        output.WriteLine("W1: Wasserstein-1 distance Σ_k |F_sim(k) − F_SCM(k)|, in molecules; floor: the W1 of an SCM sample");
        output.WriteLine("  of the simulation's size against the exact SCM law (what sampling noise alone gives).");
        output.WriteLine("program mean: the SCM written as a Ppl program, run under Do (it must match the SCM mean above).");
        output.WriteLine("steps, s: vectorized Gillespie steps over all cells and their wall time.");
    }

    private static string Intervened(ComparisonCase c) => $"{c.Intervention} → {Cascade.SpeciesName(c.Target)}";

    private static void WriteCounterfactual(TextWriter output, ExampleOptions options, Dictionary<string, double> values)
    {
        // a cell seen at (X1, X2, X3) = (5, 3, 25): what would X3 have been had X2 been 8?
        long[] observed = [5, 3, 25];
        const long draws = 20_000;
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(options.Seed + 1000), CPU);
        var counterfactual = ThresholdScm.Counterfactual(BaseCascade, observed, KineticIntervention.Clamp(1, 8), 2, draws, generator).to(ScalarType.Float64);
        double mean = counterfactual.mean().item<double>();
        double se = counterfactual.std().item<double>() / Math.Sqrt(draws);
        double exact = ThresholdScm.DirectCounterfactualMean(BaseCascade, observed, 2, 8);
        double interventional = EquilibriumScm.InterventionalDistribution(BaseCascade, KineticIntervention.Clamp(1, 8), 2).Mean;
        output.WriteLine();
        output.WriteLine("Counterfactual on the SCM (molecule-level threshold noise, exact abduction):");
        output.WriteLine("  a cell observed at (X1, X2, X3) = (5, 3, 25); had X2 been 8,");
        output.WriteLine($"  X3 would be {mean:F2} ± {se:F2} on average (closed form {exact:F2}), against");
        output.WriteLine($"  E[X3 | do(X2 = 8)] = {interventional:F2} for a new cell: the 25 active X3 molecules");
        output.WriteLine("  stay active, only the others may switch on.");
        output.WriteLine();
        values["counterfactual: mean"] = mean;
        values["counterfactual: se"] = se;
        values["counterfactual: exact"] = exact;
    }

    private static void WritePlots(string outDir, IReadOnlyList<ComparisonRow> rows, ExampleOptions options, TextWriter output)
    {
        // trajectories stream from the Ppl-program SSA; the observational one stops once X3's window averages settle
        using (var scope = NewDisposeScope())
        {
            random.manual_seed(options.Seed);
            var observational = GillespieProgram.Stream(new GillespieRun(BaseCascade, [0, 0, 0], 200))
                .TakeUntilStationary(e => e.Time, e => e.Counts[2], window: 5, tolerance: 1.0)
                .ToList().Wait();
            GillespiePlots.Trajectory(Path.Combine(outDir, "trajectory-observational.png"), "Observational cascade (stopped when X3 settled)", [.. observational]);
            output.WriteLine($"Observational trajectory: {observational.Count:N0} events, stopped at t = {observational[^1].Time:F1} when X3's 5-time-unit averages agreed within 1 molecule.");

            var clamped = GillespieProgram.Stream(new GillespieRun(BaseCascade, [0, 0, 0], 30, KineticIntervention.Clamp(1, 4)))
                .ToList().Wait();
            GillespiePlots.Trajectory(Path.Combine(outDir, "trajectory-do-x2-4.png"), "Kinetic do(X2 = 4): X2's reactions suppressed", [.. clamped]);
        }

        foreach (var row in rows)
        {
            string file = $"equilibrium-{row.Case.FileStem}.png";
            string target = Cascade.SpeciesName(row.Case.Target);
            GillespiePlots.Equilibrium(
                Path.Combine(outDir, file),
                $"{row.Case.Label}: law of {target} (TV {row.Simulated.TotalVariation(row.ScmExact):F3}, z {row.Z:F1})",
                $"active {target} molecules",
                row.Simulated,
                row.ScmExact);
        }

        output.WriteLine($"Plots written to {Path.GetFullPath(outDir)}.");
    }
}
