using System.Runtime.InteropServices;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// CPU time consumed by the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>). On a machine
/// shared with other jobs, wall time includes waiting for a core; thread CPU time does not, so it
/// is the steadier number for comparing phases and fixes.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Whether the clock works here (Linux only); otherwise <see cref="Now"/> returns 0.</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux();

    /// <summary>The calling thread's CPU time, in seconds.</summary>
    public static double Now()
    {
        if (!IsAvailable)
        {
            return 0;
        }

        _ = ClockGetTime(ClockThreadCpuTimeId, out var ts);
        return ts.Seconds + (ts.Nanoseconds * 1e-9);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec value);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
