using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// Process settings every SVI benchmark applies in its setup. The intra-op thread count comes
/// from <c>PPL_BENCH_THREADS</c> (default 1): on a 2-core machine shared with builds, one thread
/// gives stable timings, and both the framework and the baseline get the same count.
/// </summary>
public static class BenchEnvironment
{
    /// <summary>The intra-op thread count in use.</summary>
    public static int Threads { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("PPL_BENCH_THREADS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 1;

    /// <summary>Sets the thread count.</summary>
    public static void Apply() => set_num_threads(Threads);
}
