using System.Globalization;
using Ppl.Causal;

namespace Ppl.Examples.Notears;

/// <summary>
/// Linear NOTEARS (Zheng et al. 2018) on the reference's simulations, scored against the true
/// graphs next to the authors' code's numbers; then the loop the seed describes: the learned DAG
/// becomes an SCM program that answers do() queries, checked against the true SCM, and what a
/// reversed edge does to those answers.
/// </summary>
public sealed class NotearsExample : IExample
{
    /// <inheritdoc />
    public string Name => "notears";

    /// <inheritdoc />
    public string Description => "NOTEARS structure learning on ER/SF graphs, SHD table, and do() queries on the learned SCM";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("seeds", "Simulated data sets per cell (seeds seed, seed+1, …).", "10"),
        new("full", "All cells: ER2 and SF4 at d = 10, 20, 50, 100 (d = 100 takes minutes per seed).", "false", IsFlag: true),
        new("samples", "n, samples per data set.", "1000"),
        new("nodes", "Only the cells with these d, comma separated (e.g. 50,100); empty for all.", ""),
        new("graphs", "Only the cells of these graph families, comma separated (ER2, SF4); empty for all.", ""),
        new("nonlinear", "Also NOTEARS-MLP against linear NOTEARS on nonlinear data (ER2, d = 10, n = 1000, --seeds seeds; about 1.5 minutes per seed).", "false", IsFlag: true),
        new("out", "Directory the PNG pictures are written to.", "notears-plots"),
        ExampleThreads.Option,
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using var threads = ExampleThreads.Use(options);
        var allCells = options.Smoke ? NotearsCell.Smoke : options.GetFlag("full") ? NotearsCell.Full : NotearsCell.Default;
        var cells = Only(allCells, allCells, "nodes", options.Get("nodes", string.Empty), "d = ", c => c.Nodes.ToString(CultureInfo.InvariantCulture));
        cells = Only(cells, allCells, "graphs", options.Get("graphs", string.Empty), string.Empty, c => c.Family);

        int seeds = options.Smoke ? 2 : (int)options.GetInt64("seeds", 10);
        int samples = options.Smoke ? 200 : (int)options.GetInt64("samples", 1000);
        string outDir = options.Get("out", "notears-plots");
        Directory.CreateDirectory(outDir);
        output.WriteLine($"Linear NOTEARS, λ₁ = 0.1, threshold 0.3, n = {samples}, Gaussian noise of equal variance, weights U([−2, −0.5] ∪ [0.5, 2]); "
            + $"{seeds} seeds per cell; 'ref' is the authors' code run on this kind of machine (issue #22).");
        output.WriteLine();

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var runs = new List<NotearsRun>();
        NotearsTrial? first = null, reversal = null;
        try
        {
            foreach (var cell in cells)
            {
                var cellRuns = ExampleProgress.Run(output, $"{cell.Family} d = {cell.Nodes}", seeds, progress =>
                {
                    var list = new List<NotearsRun>();
                    for (int s = 0; s < seeds; s++)
                    {
                        var trial = NotearsTrial.Fit(cell, options.Seed + s, samples);
                        list.Add(trial.Run);
                        progress.Report(s + 1, FormattableString.Invariant($"seed {trial.Run.Seed}: SHD {trial.Run.Score.Shd}, {trial.Run.Seconds:F1} s"));
                        bool keep = false;
                        if (first is null)
                        {
                            first = trial;
                            keep = true;
                        }

                        if (reversal is null && ReferenceEquals(cell, cells[0]) && trial.Run.Score.Reversed > 0)
                        {
                            reversal = trial;
                            keep = true;
                        }

                        if (!keep)
                        {
                            trial.Dispose();
                        }
                    }

                    return list;
                });
                runs.AddRange(cellRuns);
                foreach (var (key, value) in NotearsReport.Cell(output, cell, cellRuns))
                {
                    values[key] = value;
                }
            }

            output.WriteLine();
            NotearsReport.Summary(output, cells, runs);
            var example = first!;
            string caption = FormattableString.Invariant($"{example.Run.Cell.Family} d = {example.Run.Cell.Nodes}, seed {example.Run.Seed}");
            output.WriteLine();
            NotearsReport.DualTrace(output, caption, example.Result);
            string weights = Path.Combine(outDir, "weights.png"), dual = Path.Combine(outDir, "dual-steps.png");
            NotearsPictures.Weights(weights, example.Truth, example.Result.Weights, caption);
            NotearsPictures.DualTrace(dual, example.Result.HPerDualStep, example.Result.RhoPerDualStep, caption);

            output.WriteLine();
            var checks = NotearsLoop.StrongestEffects(example, options.Smoke ? 2 : 5, options.Seed);
            foreach (var (key, value) in NotearsReport.Loop(output, caption, checks))
            {
                values[key] = value;
            }

            output.WriteLine();
            foreach (var (key, value) in Reversal(output, example, reversal))
            {
                values[key] = value;
            }

            if (options.Smoke || options.GetFlag("nonlinear"))
            {
                output.WriteLine();
                var (d, n, count) = options.Smoke ? (5, 100, 1) : (10, samples, seeds);
                foreach (var (key, value) in NonlinearComparison.Run(output, d, n, count, options.Seed, options.Smoke))
                {
                    values[key] = value;
                }
            }

            output.WriteLine();
            output.WriteLine($"Pictures: {weights}, {dual}");
        }
        finally
        {
            first?.Dispose();
            if (!ReferenceEquals(reversal, first))
            {
                reversal?.Dispose();
            }
        }

        return new ExampleResult(values);
    }

    private static IReadOnlyList<(string, double)> Reversal(TextWriter output, NotearsTrial example, NotearsTrial? reversal)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var trial = reversal ?? example;
        var edge = reversal is null ? null : NotearsLoop.ReversedEdge(reversal);
        string how;
        TorchSharp.torch.Tensor graph;
        int from, to;
        if (edge is { } e)
        {
            (from, to) = e;
            graph = trial.Result.Weights;
            how = FormattableString.Invariant($"NOTEARS reversed the true edge x{from} → x{to} on seed {trial.Run.Seed}; the SCM below is fitted on its learned graph");
        }
        else
        {
            // No seed of the first cell reversed an edge: make the same mistake by hand on the strongest
            // true edge whose reversal leaves a DAG (one with another path between its ends would not).
            (from, to, graph) = NotearsLoop.ReversibleEdges(trial.Truth).Select(e => (e.From, e.To, NotearsLoop.WithEdgeReversed(trial.Truth, e.From, e.To)))
                .First(c => Dag.IsDag(c.Item3));
            how = FormattableString.Invariant($"no seed reversed an edge, so the true graph of seed {trial.Run.Seed} with x{from} → x{to} (its strongest edge whose reversal leaves a DAG) turned around stands in for a learned one");
        }

        var curve = NotearsLoop.ReversalCurve(trial, graph, from, to);
        return NotearsReport.Reversal(output, how, from, to, curve);
    }

    // --nodes and --graphs: keep the cells whose key is listed (comma separated, any case); a
    // filter that keeps nothing is a mistake, so it says which keys this run's cells have.
    private static IReadOnlyList<NotearsCell> Only(
        IReadOnlyList<NotearsCell> cells, IReadOnlyList<NotearsCell> all, string option, string value, string label, Func<NotearsCell, string> key)
    {
        if (value.Length == 0)
        {
            return cells;
        }

        var wanted = value.Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var kept = cells.Where(c => wanted.Contains(key(c))).ToList();
        if (kept.Count == 0)
        {
            string more = ReferenceEquals(all, NotearsCell.Default) ? " (--full adds d = 50, 100 and the SF4 graphs)" : string.Empty;
            throw new ArgumentException($"notears: --{option} {value} leaves no cell to run; this run's cells are {label}{string.Join(", ", all.Select(key).Distinct())}{more}.");
        }

        return kept;
    }
}
