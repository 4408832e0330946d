using System.Globalization;
using Ppl.Causal;

namespace Ppl.Examples.Notears;

/// <summary>The notears example's tables.</summary>
internal static class NotearsReport
{
    /// <summary>Per-seed scores of one cell and their means; returns the means as named values.</summary>
    public static IReadOnlyList<(string, double)> Cell(TextWriter output, NotearsCell cell, IReadOnlyList<NotearsRun> runs)
    {
        string key = Key(cell);
        string seconds = string.Join(" ", runs.Select(r => r.Seconds.ToString("F1", CultureInfo.InvariantCulture)));
        output.WriteLine(Inv($"{cell.Family} d = {cell.Nodes} (s₀ = {cell.Edges}): SHD per seed {string.Join(" ", runs.Select(r => r.Score.Shd))}; ")
            + Inv($"reversed {string.Join(" ", runs.Select(r => r.Score.Reversed))}; seconds {seconds}"));
        return
        [
            ($"{key}/mean shd", runs.Average(r => r.Score.Shd)),
            ($"{key}/mean tpr", runs.Average(r => r.Score.Tpr)),
            ($"{key}/mean fdr", runs.Average(r => r.Score.Fdr)),
            ($"{key}/mean fpr", runs.Average(r => r.Score.Fpr)),
            ($"{key}/mean nnz", runs.Average(r => r.Score.Nnz)),
            ($"{key}/dags", runs.Count(r => r.IsDag)),
            ($"{key}/runs", runs.Count),
            ($"{key}/mean seconds", runs.Average(r => r.Seconds)),
            ($"{key}/max seconds", runs.Max(r => r.Seconds)),
        ];
    }

    /// <summary>The SHD table: one row per cell, means over seeds, next to the reference and the acceptance bound.</summary>
    public static void Summary(TextWriter output, IReadOnlyList<NotearsCell> cells, IReadOnlyList<NotearsRun> runs)
    {
        output.WriteLine("| graph | d | seeds | SHD mean (min–max) | ref SHD | bound 1.5·ref + 2 | TPR | FDR | FPR | DAGs | s per run (max) | ref s per run |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var cell in cells)
        {
            var r = runs.Where(x => ReferenceEquals(x.Cell, cell)).ToList();
            string reference = cell.ReferenceShd is { } s ? Inv($"{s:G3}") : "—";
            string bound = cell.ShdBound is { } b ? Inv($"{b:G3} {(r.Average(x => x.Score.Shd) <= b ? "✓" : "✗")}") : "—";
            string refTime = cell.ReferenceSeconds is { } t ? Inv($"≈ {t / 60:F1} min") : "—";
            output.WriteLine(Inv($"| {cell.Family} | {cell.Nodes} | {r.Count} | {r.Average(x => x.Score.Shd):F1} ({r.Min(x => x.Score.Shd)}–{r.Max(x => x.Score.Shd)}) | {reference} | {bound} | ")
                + Inv($"{r.Average(x => x.Score.Tpr):F2} | {r.Average(x => x.Score.Fdr):F2} | {r.Average(x => x.Score.Fpr):F3} | {r.Count(x => x.IsDag)}/{r.Count} | ")
                + Inv($"{r.Average(x => x.Seconds):F1} ({r.Max(x => x.Seconds):F1}) | {refTime} |"));
        }
    }

    /// <summary>h(W) and ρ after each dual step of one fit.</summary>
    public static void DualTrace(TextWriter output, string caption, NotearsResult result)
    {
        output.WriteLine($"Dual steps of {caption} ({result.InnerSolves} inner L-BFGS-B solves; h tolerance reached: {result.ReachedHTolerance}):");
        output.WriteLine("| step | h(W) | ρ |");
        output.WriteLine("|---|---|---|");
        for (int i = 0; i < result.HPerDualStep.Count; i++)
        {
            output.WriteLine(Inv($"| {i + 1} | {result.HPerDualStep[i]:E2} | {result.RhoPerDualStep[i]:G3} |"));
        }
    }

    /// <summary>The do() answers of the learned SCM program against the true SCM.</summary>
    public static IReadOnlyList<(string, double)> Loop(TextWriter output, string caption, IReadOnlyList<InterventionalCheck> checks)
    {
        output.WriteLine($"The loop on {caption}: Ŵ → LinearGaussianScm.Fit (least squares on the learned parents) → CausalQueries.Interventional "
            + $"({NotearsLoop.Draws:N0} draws), for the strongest true total effects:");
        output.WriteLine("| query | sampled from the learned program | learned closed form | true SCM | error |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var c in checks)
        {
            output.WriteLine(Inv($"| E[x{c.Effect} ∣ do(x{c.Cause} = {c.Value:G})] | {c.Sampled:F3} ± {c.StandardError:F3} | {c.LearnedClosedForm:F3} | {c.Truth:F3} | {c.Error:F3} |"));
        }

        return
        [
            ("loop/max error", checks.Max(c => c.Error)),
            ("loop/max standard error", checks.Max(c => c.StandardError)),
            ("loop/max closed-form error", checks.Max(c => Math.Abs(c.LearnedClosedForm - c.Truth))),
            ("loop/max relative error", checks.Max(c => c.Error / Math.Max(1.0, Math.Abs(c.Truth)))),
        ];
    }

    /// <summary>E[X_to | do(X_from = x)] along x under the SCM with the edge reversed and under the truth.</summary>
    public static IReadOnlyList<(string, double)> Reversal(TextWriter output, string how, int from, int to, IReadOnlyList<(double X, double Learned, double Truth)> curve)
    {
        output.WriteLine($"A reversed edge: {how}.");
        output.WriteLine(Inv($"| x | E[x{to} ∣ do(x{from} = x)], edge reversed | true SCM |"));
        output.WriteLine("|---|---|---|");
        foreach (var (x, learned, truth) in curve)
        {
            output.WriteLine(Inv($"| {x:G} | {learned:F3} | {truth:F3} |"));
        }

        double Slope(Func<(double X, double Learned, double Truth), double> y) => (y(curve[^1]) - y(curve[0])) / (curve[^1].X - curve[0].X);
        double learnedSlope = Slope(p => p.Learned), trueSlope = Slope(p => p.Truth);
        string effect = Math.Abs(learnedSlope) < 1e-12
            ? Inv($"setting x{from} cannot move x{to}: slope {learnedSlope:F3}")
            : Inv($"x{from} moves x{to} only through the other learned paths: slope {learnedSlope:F3}");
        output.WriteLine(Inv($"With x{to} → x{from} in the graph, {effect} against the true {trueSlope:F3}. ")
            + "The data fit both directions about equally well; only the interventional answer tells them apart.");
        return [("reversal/learned slope", learnedSlope), ("reversal/true slope", trueSlope)];
    }

    private static string Key(NotearsCell cell) => Inv($"{cell.Family} d={cell.Nodes}");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
