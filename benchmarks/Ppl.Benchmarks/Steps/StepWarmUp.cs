using System.Diagnostics;

namespace Ppl.Benchmarks.Steps;

/// <summary>Steps before the clock starts, the runners' one warm-up.</summary>
internal static class StepWarmUp
{
    /// <summary>
    /// Runs <paramref name="step"/> until both <paramref name="minCalls"/> calls and
    /// <paramref name="minMilliseconds"/> have passed (so .NET's tiered JIT, where it is on, has
    /// promoted the hot methods: it waits for 30 calls and a quiet 100 ms); returns the seconds per step seen.
    /// </summary>
    public static double Run(Action step, int minCalls, int minMilliseconds)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (calls < minCalls || clock.ElapsedMilliseconds < minMilliseconds)
        {
            step();
            calls++;
        }

        return clock.Elapsed.TotalSeconds / calls;
    }
}
