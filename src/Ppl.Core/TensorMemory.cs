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
/// <para>
/// Kept memory has a failure mode: glibc before 2.39 does not reuse a freed block for a new aligned
/// request of the same size (sourceware bug 14581; libtorch asks for 64-byte alignment), so a loop that
/// allocates and frees the same large tensors while small allocations come and go between them leaves
/// its freed blocks behind and grows the heap on every pass. <see cref="ReleaseFreed"/> hands the
/// pages of such blocks back; long loops over large tensors call it (Monte Carlo EM does, once per
/// evaluation).
/// </para>
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

    /// <summary>Whether the environment asks for the C library's allocator untouched (<c>PPL_TENSOR_MEMORY=default</c>); read once, for both switches.</summary>
    private static readonly bool LibraryDefaultsRequested =
        string.Equals(Environment.GetEnvironmentVariable("PPL_TENSOR_MEMORY"), "default", StringComparison.OrdinalIgnoreCase);

    private static bool? _tuned;

    /// <summary>
    /// Whether training entry points call <see cref="Tune"/>. On by default; the environment variable
    /// <c>PPL_TENSOR_MEMORY=default</c> turns it off for a process (the C library's defaults stay), or
    /// set this to false before the first training step.
    /// </summary>
    public static bool AutoTune { get; set; } = !LibraryDefaultsRequested;

    /// <summary>
    /// Whether Ppl's long loops over large tensors (Monte Carlo EM's evaluations) call <see cref="ReleaseFreed"/>
    /// after each pass. On by default; <c>PPL_TENSOR_MEMORY=default</c> turns it off with <see cref="AutoTune"/>,
    /// or set this to false to trade the memory for the time the releases take.
    /// </summary>
    public static bool AutoRelease { get; set; } = !LibraryDefaultsRequested;

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

    /// <summary>Calls <see cref="ReleaseFreed"/> with its default budget when <see cref="AutoRelease"/> is on.</summary>
    internal static void ReleaseFreedIfAllowed()
    {
        if (AutoRelease)
        {
            ReleaseFreed();
        }
    }

    private static bool Apply()
    {
        var glibc = GlibcMalloc.Process.Value;
        // the mapping threshold first: setting either option ends glibc's adaptive thresholds, and a
        // trim threshold alone would leave the mapping threshold at 128 KiB, every tensor mapped afresh
        return glibc is not null && glibc.SetOption(MmapThresholdOption, MappedThresholdBytes) && glibc.SetOption(TrimThresholdOption, RetainedBytes);
    }

    /// <summary>
    /// Gives the pages of freed memory that the C library holds inside its heaps back to the operating
    /// system when more is free than <paramref name="keptBytes"/> — by default, than is in use or than
    /// <see cref="RetainedBytes"/>, whichever is larger, so the heap's resident size stays within about twice
    /// what is in use (glibc's <c>malloc_trim</c>; the blocks stay in its free lists and fault in afresh when
    /// reused). Returns whether it did: false when less is free, and off Linux with glibc, where it does
    /// nothing. Where glibc cannot report its free memory (before 2.33) it releases whatever is free.
    /// </summary>
    /// <remarks>
    /// For a loop whose freed tensors the allocator does not reuse (see the class remarks), which otherwise
    /// keeps every pass's blocks resident: the default run of the <c>deconfounder</c> example grew to
    /// 11.3 GB in its two Monte Carlo EM rounds without it (docs/design/performance-under-load.md,
    /// section 9). A release walks every free block, milliseconds to a tenth of a second on a heap of
    /// gigabytes, so call it once per pass of a long loop, not per small step.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keptBytes"/> is negative.</exception>
    public static bool ReleaseFreed(long? keptBytes = null)
    {
        if (keptBytes is { } kept)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(kept, nameof(keptBytes));
        }

        var glibc = GlibcMalloc.Process.Value;
        if (glibc is null)
        {
            return false;
        }

        if (glibc.HeapBytes() is var (free, inUse) && free <= (keptBytes ?? Math.Max(RetainedBytes, inUse)))
        {
            return false;
        }

        glibc.Trim();
        return true;
    }
}
