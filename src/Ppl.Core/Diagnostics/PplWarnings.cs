namespace Ppl.Diagnostics;

/// <summary>
/// Where Ppl reports suspicious but legal use (Pyro raises Python warnings for these): an
/// observation outside inference, a conditioned name no site used, a site intervened on twice.
/// </summary>
/// <remarks>
/// <para>By default each distinct message is written once per process to standard error, prefixed
/// <c>Ppl warning: </c> (Python's default filter shows a warning once; a console program shows
/// standard error). <see cref="Writer"/> chooses another destination or silences them, and
/// <see cref="ResetOnce"/> forgets which were shown.</para>
/// <para><see cref="Capture"/> collects every warning (repeats included, nothing written) and
/// <see cref="AsErrors"/> turns them into exceptions. Both hold for the logical flow that called
/// them, as the handler stack does: a model's continuation after an <c>await</c> is covered too.</para>
/// </remarks>
public static class PplWarnings
{
    private static readonly AsyncLocal<List<string>?> Captured = new();
    private static readonly AsyncLocal<bool> Errors = new();
    private static readonly HashSet<string> Shown = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static TextWriter? _writer;

    /// <summary>Raised for every warning on any thread, before it is written or captured.</summary>
    public static event EventHandler<string>? Issued;

    /// <summary>
    /// Where uncaptured warnings are written: <see cref="Console.Error"/> (as it is at the time of
    /// writing) unless set; <see cref="TextWriter.Null"/> silences them.
    /// </summary>
    public static TextWriter Writer
    {
        get => _writer ?? Console.Error;
        set => _writer = value;
    }

    /// <summary>Reports a warning.</summary>
    /// <exception cref="PplWarningException">Warnings are errors in this flow (<see cref="AsErrors"/>).</exception>
    public static void Warn(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Errors.Value)
        {
            throw new PplWarningException(message);
        }

        Issued?.Invoke(null, message);
        if (Captured.Value is { } sink)
        {
            lock (sink)
            {
                sink.Add(message);
            }

            return;
        }

        lock (Gate)
        {
            if (Shown.Add(message))
            {
                Writer.WriteLine("Ppl warning: " + message);
            }
        }
    }

    /// <summary>Forgets which warnings were written, so each is written again once.</summary>
    public static void ResetOnce()
    {
        lock (Gate)
        {
            Shown.Clear();
        }
    }

    /// <summary>Collects this flow's warnings into <paramref name="sink"/> until disposed; nothing is written meanwhile.</summary>
    public static IDisposable Capture(out IReadOnlyList<string> sink)
    {
        var previous = Captured.Value;
        var list = new List<string>();
        Captured.Value = list;
        sink = list;
        return new Restore(() => Captured.Value = previous);
    }

    /// <summary>Makes warnings in this flow throw <see cref="PplWarningException"/> until disposed (Pyro's <c>filterwarnings = error</c>).</summary>
    public static IDisposable AsErrors()
    {
        bool previous = Errors.Value;
        Errors.Value = true;
        return new Restore(() => Errors.Value = previous);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
