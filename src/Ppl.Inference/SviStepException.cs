namespace Ppl.Inference;

/// <summary>
/// A step of <see cref="Svi{TArgs}.Fit"/> or <see cref="Svi{TArgs}.Run"/> failed: which step, the
/// losses of the steps before it in that call, and the original error as the inner exception.
/// </summary>
public sealed class SviStepException : Exception
{
    /// <summary>Creates the exception for step <paramref name="step"/>.</summary>
    public SviStepException(long step, IReadOnlyList<double> losses, Exception inner)
        : base(Describe(step, losses, inner), inner)
    {
        Step = step;
        Losses = losses ?? [];
    }

    /// <summary>Creates an empty exception.</summary>
    public SviStepException()
    {
        Losses = [];
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SviStepException(string message)
        : base(message)
    {
        Losses = [];
    }

    /// <summary>Creates the exception wrapping <paramref name="inner"/>.</summary>
    public SviStepException(string message, Exception inner)
        : base(message, inner)
    {
        Losses = [];
    }

    /// <summary>The step that failed, numbered as <see cref="SviProgress.Step"/> (1 for an SVI object's first step).</summary>
    public long Step { get; }

    /// <summary>The losses of the steps this call completed before the failure.</summary>
    public IReadOnlyList<double> Losses { get; }

    private static string Describe(long step, IReadOnlyList<double>? losses, Exception? inner)
    {
        int done = losses?.Count ?? 0;
        string last = done == 0 ? "" : $", last loss {losses![done - 1]:G6}";
        return $"SVI step {step} failed after {done} completed step(s) in this call{last}: {inner?.GetType().Name}: {inner?.Message}";
    }
}
