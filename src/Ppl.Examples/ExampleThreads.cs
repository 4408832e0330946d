using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>
/// The <c>--threads</c> option of the deep examples: libtorch's intra-op thread count for one run,
/// put back when the run ends (the examples share a process with the tests and the CLI).
/// </summary>
internal static class ExampleThreads
{
    /// <summary>The option, one thread by default.</summary>
    /// <remarks>
    /// One thread: the examples' products are small enough to gain little from more, and on a
    /// busy 2-core machine libtorch's pool of a thread per core waits on its workers; an MNIST epoch
    /// took 5–20× as long (measured).
    /// </remarks>
    public static ExampleOption Option { get; } = new("threads", "libtorch intra-op threads for the run; 0 keeps libtorch's default (one per core).", "1");

    /// <summary>Sets the thread count <paramref name="options"/> ask for (0: leave it) until the result is disposed.</summary>
    /// <exception cref="ArgumentException">The option is not an integer.</exception>
    public static IDisposable Use(ExampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int threads = checked((int)options.GetInt64(Option.Name, 1));
        int previous = get_num_threads();
        if (threads > 0)
        {
            set_num_threads(threads);
        }

        return new Restore(previous);
    }

    private sealed class Restore(int threads) : IDisposable
    {
        public void Dispose() => set_num_threads(threads);
    }
}
