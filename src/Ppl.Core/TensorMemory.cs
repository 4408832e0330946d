using System.Runtime.InteropServices;

namespace Ppl;

/// <summary>
/// How freed tensor memory goes back to the operating system. libtorch allocates CPU tensors with
/// the C library's <c>malloc</c>; glibc's default returns freed memory at the top of its heap as
/// soon as more than a few megabytes are free, so a training step that frees its activations and
/// gradients hands the pages back and the next step faults them in again, zero-filled by the
/// kernel: about 200 page faults and a millisecond of system time per step of a 784-400-50 VAE
/// (docs/design/performance-under-load.md). <see cref="Tune"/> keeps up to
/// <see cref="RetainedBytes"/> of freed memory for reuse and serves allocations up to
/// <see cref="MappedThresholdBytes"/> from the heap — the values glibc's own adaptive scheme would
/// reach at its ceiling, set up front. Training entry points (<c>Svi</c>) call it once per process
/// unless <see cref="AutoTune"/> is off; only Linux with glibc is affected, elsewhere it does nothing.
/// </summary>
public static class TensorMemory
{
    /// <summary>
    /// Freed memory kept for reuse instead of being returned to the system (glibc's M_TRIM_THRESHOLD):
    /// 256 MiB, above what a step over a million rows frees at once (64 MiB still let such a step
    /// give pages back every few steps).
    /// </summary>
    public const int RetainedBytes = 256 << 20;

    /// <summary>Allocations at least this large get their own memory mapping (glibc's M_MMAP_THRESHOLD): 32 MiB, glibc's adaptive ceiling.</summary>
    public const int MappedThresholdBytes = 32 << 20;

    private const int TrimThresholdOption = -1; // M_TRIM_THRESHOLD in malloc.h
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD in malloc.h
    private static readonly Lock Gate = new();
    private static bool? _tuned;

    /// <summary>
    /// Whether training entry points call <see cref="Tune"/>. On by default; the environment variable
    /// <c>PPL_TENSOR_MEMORY=default</c> turns it off for a process (the C library's defaults stay), or
    /// set this to false before the first training step.
    /// </summary>
    public static bool AutoTune { get; set; } =
        !string.Equals(Environment.GetEnvironmentVariable("PPL_TENSOR_MEMORY"), "default", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Tune"/> has taken effect in this process.</summary>
    public static bool IsTuned => _tuned == true;

    /// <summary>
    /// Sets the C library's allocator to keep freed memory for reuse (see the class remarks). Idempotent;
    /// process-wide, as the allocator is. Returns whether it took effect: true on Linux with glibc,
    /// false elsewhere (nothing changes there).
    /// </summary>
    public static bool Tune()
    {
        lock (Gate)
        {
            _tuned ??= Apply();
            return _tuned.Value;
        }
    }

    /// <summary>Calls <see cref="Tune"/> when <see cref="AutoTune"/> is on.</summary>
    internal static void TuneIfAllowed()
    {
        if (AutoTune && _tuned is null)
        {
            Tune();
        }
    }

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc))
        {
            return false;
        }

        // gnu_get_libc_version exists only in glibc: another C library's mallopt may read the options differently
        if (!NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _) || !NativeLibrary.TryGetExport(libc, "mallopt", out var address))
        {
            return false;
        }

        var mallopt = Marshal.GetDelegateForFunctionPointer<MallOpt>(address);
        // the mapping threshold first: setting either option ends glibc's adaptive thresholds, and a
        // trim threshold alone would leave the mapping threshold at 128 KiB, every tensor mapped afresh
        return mallopt(MmapThresholdOption, MappedThresholdBytes) == 1 && mallopt(TrimThresholdOption, RetainedBytes) == 1;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallOpt(int option, int value);
}
