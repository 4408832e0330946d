namespace Ppl;

/// <summary>
/// A model failed while it was traced; the message ends with the shapes of every site recorded
/// so far (Pyro appends <c>format_shapes()</c> the same way), the original error is inner.
/// </summary>
public sealed class ModelExecutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelExecutionException(string message, string shapes, Exception inner)
        : base(message + Environment.NewLine + shapes, inner)
    {
        Shapes = shapes;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public ModelExecutionException(string message)
        : base(message)
    {
        Shapes = "";
    }

    /// <summary>Creates an empty exception.</summary>
    public ModelExecutionException()
    {
        Shapes = "";
    }

    /// <summary>Creates the exception wrapping <paramref name="inner"/>.</summary>
    public ModelExecutionException(string message, Exception inner)
        : base(message, inner)
    {
        Shapes = "";
    }

    /// <summary>The shape table of the trace at the time of failure.</summary>
    public string Shapes { get; }
}
