namespace Ppl.Diagnostics;

/// <summary>
/// Where Ppl reports suspicious but legal use (Pyro raises Python warnings for these): an
/// observation outside inference, a conditioned name no site used, a site intervened on twice.
/// By default each warning goes to <see cref="System.Diagnostics.Trace"/>; <see cref="Capture"/>
/// collects them on the current thread, and <see cref="AsErrors"/> turns them into exceptions.
/// </summary>
public static class PplWarnings
{
    [ThreadStatic]
    private static List<string>? _captured;

    [ThreadStatic]
    private static bool _asErrors;

    /// <summary>Raised for every warning on any thread.</summary>
    public static event EventHandler<string>? Issued;

    /// <summary>Reports a warning.</summary>
    /// <exception cref="PplWarningException">Warnings are errors on this thread.</exception>
    public static void Warn(string message)
    {
        if (_asErrors)
        {
            throw new PplWarningException(message);
        }

        Issued?.Invoke(null, message);
        if (_captured is not null)
        {
            _captured.Add(message);
        }
        else
        {
            System.Diagnostics.Trace.TraceWarning("Ppl: " + message);
        }
    }

    /// <summary>Collects this thread's warnings into <paramref name="sink"/> until disposed.</summary>
    public static IDisposable Capture(out IReadOnlyList<string> sink)
    {
        var previous = _captured;
        var list = new List<string>();
        _captured = list;
        sink = list;
        return new Restore(() => _captured = previous);
    }

    /// <summary>Makes warnings on this thread throw <see cref="PplWarningException"/> until disposed (Pyro's <c>filterwarnings = error</c>).</summary>
    public static IDisposable AsErrors()
    {
        bool previous = _asErrors;
        _asErrors = true;
        return new Restore(() => _asErrors = previous);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
