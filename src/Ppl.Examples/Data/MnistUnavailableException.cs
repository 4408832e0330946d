namespace Ppl.Examples.Data;

/// <summary>MNIST could not be fetched or checked; the message says what to do.</summary>
public sealed class MnistUnavailableException : Exception
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public MnistUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public MnistUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>An exception without a message.</summary>
    public MnistUnavailableException()
    {
    }
}
