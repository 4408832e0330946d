namespace Ppl.Effects;

/// <summary>
/// The stack of installed handlers, innermost last, held per logical flow of control (an
/// <see cref="AsyncLocal{T}"/>): it follows a model across <c>await</c>s and into
/// <c>Task.Run</c>, so sites a model records on another thread are handled like the rest, and
/// handlers installed inside an async method end with it. Synchronous code sees a per-thread stack,
/// as before. The array is replaced, never mutated, so a snapshot taken by
/// <see cref="Runtime.ApplyStack"/> stays valid while handlers re-enter it, and a flow that forks
/// (a task started inside a handler) shares the snapshot without sharing later changes.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Pyro's name for it; it is a stack.")]
public static class HandlerStack
{
    private static readonly AsyncLocal<Messenger[]?> Installed = new();

    /// <summary>The installed handlers, outermost first. Never null.</summary>
    public static IReadOnlyList<Messenger> Current => Installed.Value ?? [];

    /// <summary>True when any handler is installed on this thread (Pyro's <c>am_i_wrapped</c>).</summary>
    public static bool IsActive => Installed.Value is { Length: > 0 };

    /// <summary>True when an installed handler keeps site values (<see cref="Messenger.RetainsValues"/>).</summary>
    public static bool RetainsValues => Array.Exists(Snapshot(), h => h.RetainsValues);

    /// <summary>True when an installed handler changes how sites draw (<see cref="Messenger.AltersDraws"/>).</summary>
    public static bool AltersDraws => Array.Exists(Snapshot(), h => h.AltersDraws);

    internal static Messenger[] Snapshot() => Installed.Value ?? [];

    /// <summary>
    /// The plates enclosing the current point and the traces recording the run, as the installed
    /// handlers report them (<see cref="Messenger.AnswerPlateQuery"/>), outermost first. Every
    /// handler is asked, whatever messages it hides: blocking sites never hides a plate's dim.
    /// </summary>
    internal static PlateQuery EnclosingPlates()
    {
        var query = new PlateQuery();
        foreach (var handler in Snapshot())
        {
            handler.AnswerPlateQuery(query);
        }

        return query;
    }

    /// <summary>Installs <paramref name="handler"/> innermost.</summary>
    /// <exception cref="InvalidOperationException">The same handler instance is already installed.</exception>
    internal static void Push(Messenger handler)
    {
        var stack = Snapshot();
        if (Array.IndexOf(stack, handler) >= 0)
        {
            throw new InvalidOperationException($"{handler} is already installed on this thread; create a new handler instead.");
        }

        Installed.Value = [.. stack, handler];
    }

    /// <summary>
    /// Removes <paramref name="handler"/>, which must be innermost. Otherwise removes it and
    /// every handler installed after it (the orphans, which are told they were uninstalled), so
    /// the stack stays consistent, and throws — unless an exception is already propagating
    /// through the scope being disposed: a model that throws with a plate left open must surface
    /// its own error, not this one.
    /// </summary>
    internal static void Pop(Messenger handler)
    {
        var stack = Snapshot();
        int index = Array.LastIndexOf(stack, handler);
        if (index < 0)
        {
            throw new InvalidOperationException($"{handler} is not installed on this thread (disposed twice, or on another thread).");
        }

        Installed.Value = index == 0 ? null : stack[..index];
        if (index == stack.Length - 1)
        {
            return;
        }

        var orphans = stack[(index + 1)..];
        for (int i = orphans.Length - 1; i >= 0; i--)
        {
            orphans[i].OnUninstalled();
        }

        if (!ExceptionInFlight())
        {
            throw new InvalidOperationException(
                $"Handler scopes disposed out of order: {handler} was disposed while {string.Join(", ", orphans.Select(h => h.ToString()))} installed after it were still active; those were removed too.");
        }
    }

    /// <summary>True while an exception propagates through the calling <c>finally</c> (a scope disposed by <c>using</c> during unwinding).</summary>
    private static bool ExceptionInFlight() => System.Runtime.InteropServices.Marshal.GetExceptionPointers() != IntPtr.Zero;

    /// <summary>Inserts <paramref name="handler"/> just outside <paramref name="anchor"/> (for lazily created world plates).</summary>
    internal static void InsertOutside(Messenger anchor, Messenger handler)
    {
        var stack = Snapshot();
        int index = Array.IndexOf(stack, anchor);
        if (index < 0)
        {
            throw new InvalidOperationException($"{anchor} is not installed on this thread.");
        }

        Installed.Value = [.. stack[..index], handler, .. stack[index..]];
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="handler"/> is (for blocking a plate in place).</summary>
    /// <exception cref="InvalidOperationException"><paramref name="handler"/> is not installed.</exception>
    internal static void Replace(Messenger handler, Messenger replacement)
    {
        var stack = Snapshot();
        int index = Array.IndexOf(stack, handler);
        if (index < 0)
        {
            throw new InvalidOperationException($"{handler} is not installed on this thread (a blocked plate's scope left out of order?).");
        }

        var copy = (Messenger[])stack.Clone();
        copy[index] = replacement;
        Installed.Value = copy;
    }

    /// <summary>Removes <paramref name="handler"/> wherever it is (the counterpart of <see cref="InsertOutside"/>); no-op when absent.</summary>
    internal static void Remove(Messenger handler)
    {
        var stack = Snapshot();
        int index = Array.IndexOf(stack, handler);
        if (index >= 0)
        {
            Installed.Value = stack.Length == 1 ? null : [.. stack[..index], .. stack[(index + 1)..]];
        }
    }
}
