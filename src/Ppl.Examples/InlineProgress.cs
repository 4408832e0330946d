namespace Ppl.Examples;

/// <summary>
/// Reports on the thread that calls <see cref="Report"/>, in order, where <see cref="Progress{T}"/> would
/// post to the thread pool: a training loop's records then reach the example's output between its steps.
/// </summary>
/// <typeparam name="T">What is reported.</typeparam>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}
