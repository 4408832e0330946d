using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>
/// Progress of one long phase of an example. On a terminal it is a Spectre.Console bar; when the
/// output is redirected (a file, a pipe, a test's writer) it is plain lines: one when the phase
/// starts, one every <c>interval</c> while it runs and one when it ends, so a log shows that the
/// run is alive and never ends on a stale percentage.
/// </summary>
internal static class ExampleProgress
{
    /// <summary>How often redirected output gets a line while a phase runs.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="work"/>, which reports how much of <paramref name="total"/> is done.
    /// The phase counts as complete when <paramref name="work"/> returns, also when it stopped
    /// early (a plateau, every episode finished before the time limit).
    /// </summary>
    /// <param name="output">Where the example writes its report.</param>
    /// <param name="label">What the phase is, e.g. <c>CF replay</c>.</param>
    /// <param name="total">The amount of work, in the unit <paramref name="work"/> reports (steps, rows, or 1 for fractions).</param>
    /// <param name="work">The phase; it receives the sink to report to.</param>
    /// <param name="terminal">Draw a live bar (true on a terminal); null detects it from <paramref name="output"/>.</param>
    /// <param name="interval">Time between plain lines; <see cref="DefaultInterval"/> when null.</param>
    public static T Run<T>(TextWriter output, string label, double total, Func<ProgressSink, T> work, bool? terminal = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        return terminal ?? IsTerminal(output)
            ? RunWithBar(output, label, total, work)
            : RunWithLines(output, label, total, work, interval ?? DefaultInterval);
    }

    /// <summary>True when <paramref name="output"/> is the process's standard output and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    private static T RunWithBar<T>(TextWriter output, string label, double total, Func<ProgressSink, T> work)
    {
        // the caller decided this is a terminal; Spectre's own detection would draw nothing into a plain writer
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.Yes });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: total);
                result = work(new ProgressSink((done, status) =>
                {
                    task.Value = Math.Min(done, total);
                    task.Description = Markup.Escape(status is null ? label : $"{label}  {status}");
                }));

                // an early stop completes the phase: the bar ends full, not at a stale percentage
                task.MaxValue = Math.Max(task.Value, double.Epsilon);
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return result;
    }

    private static T RunWithLines<T>(TextWriter output, string label, double total, Func<ProgressSink, T> work, TimeSpan interval)
    {
        var clock = Stopwatch.StartNew();
        var nextLine = interval;
        output.WriteLine($"{label}: started");
        var result = work(new ProgressSink((done, status) =>
        {
            if (clock.Elapsed >= nextLine)
            {
                nextLine = clock.Elapsed + interval;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {100 * Math.Min(done / total, 1):F0}%{Suffix(status)}, {clock.Elapsed.TotalSeconds:F0} s"));
            }
        }));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: done in {clock.Elapsed.TotalSeconds:F1} s"));
        return result;
    }

    private static string Suffix(string? status) => status is null ? "" : $" ({status})";
}

/// <summary>Where a phase reports how much is done, optionally with a short status (e.g. the current loss).</summary>
/// <param name="report">Receives the amount done and the status.</param>
internal sealed class ProgressSink(Action<double, string?> report) : IProgress<double>
{
    /// <summary>Reports the amount done (in the phase's unit) and an optional status.</summary>
    public void Report(double done, string? status) => report(done, status);

    /// <inheritdoc />
    public void Report(double value) => report(value, null);
}
