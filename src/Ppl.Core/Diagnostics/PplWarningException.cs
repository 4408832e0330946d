namespace Ppl.Diagnostics;

/// <summary>A Ppl warning raised as an error under <see cref="PplWarnings.AsErrors"/>.</summary>
public sealed class PplWarningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PplWarningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public PplWarningException()
    {
    }

    /// <summary>Creates the exception wrapping <paramref name="inner"/>.</summary>
    public PplWarningException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
