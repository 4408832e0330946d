using System.Runtime.InteropServices;

namespace Ppl;

/// <summary>
/// The parts of glibc's allocator <see cref="TensorMemory"/> adjusts, bound once per process: null off
/// Linux or under another C library (whose <c>mallopt</c> may read the options differently).
/// </summary>
internal sealed class GlibcMalloc
{
    private readonly MallOptFunction _mallopt;
    private readonly MallocTrimFunction _trim;
    private readonly MallInfo2Function? _mallinfo2;

    private GlibcMalloc(MallOptFunction mallopt, MallocTrimFunction trim, MallInfo2Function? mallinfo2)
    {
        _mallopt = mallopt;
        _trim = trim;
        _mallinfo2 = mallinfo2;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallOptFunction(int option, int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallocTrimFunction(nuint pad);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate MallInfo2 MallInfo2Function();

    /// <summary>The process's glibc, or null.</summary>
    public static Lazy<GlibcMalloc?> Process { get; } = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary><c>mallopt(option, value)</c>; true when glibc accepted it.</summary>
    public bool SetOption(int option, int value) => _mallopt(option, value) == 1;

    /// <summary>
    /// Bytes in free blocks and in blocks in use in every arena's heap (<c>mallinfo2()</c>'s <c>fordblks</c>
    /// and <c>uordblks</c>; blocks mapped on their own are not counted), or null without <c>mallinfo2</c>.
    /// </summary>
    public (long Free, long InUse)? HeapBytes() =>
        Info() is { } info ? (AsLong(info.Fordblks), AsLong(info.Uordblks)) : null;

    /// <summary>glibc's allocation statistics summed over every arena (<c>mallinfo2()</c>), or null before glibc 2.33.</summary>
    public MallInfo2? Info() => _mallinfo2?.Invoke();

    /// <summary><c>malloc_trim(0)</c>: the pages of every free block go back to the system.</summary>
    public void Trim() => _trim(0);

    private static long AsLong(nuint bytes) => (long)Math.Min((ulong)bytes, long.MaxValue);

    private static GlibcMalloc? Bind()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc))
        {
            return null;
        }

        // gnu_get_libc_version exists only in glibc
        if (!NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _)
            || !NativeLibrary.TryGetExport(libc, "mallopt", out var mallopt)
            || !NativeLibrary.TryGetExport(libc, "malloc_trim", out var trim))
        {
            return null;
        }

        var mallinfo2 = NativeLibrary.TryGetExport(libc, "mallinfo2", out var info) ? Marshal.GetDelegateForFunctionPointer<MallInfo2Function>(info) : null;
        return new GlibcMalloc(Marshal.GetDelegateForFunctionPointer<MallOptFunction>(mallopt), Marshal.GetDelegateForFunctionPointer<MallocTrimFunction>(trim), mallinfo2);
    }

    /// <summary>glibc's <c>struct mallinfo2</c> (the fields Ppl reads; the layout is the C struct's).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly struct MallInfo2
    {
        private readonly nuint _arena;
        private readonly nuint _ordblks;
        private readonly nuint _smblks;
        private readonly nuint _hblks;

        /// <summary>Bytes in blocks mapped on their own.</summary>
        public readonly nuint Hblkhd;

        private readonly nuint _usmblks;
        private readonly nuint _fsmblks;

        /// <summary>Bytes in blocks in use in the heaps.</summary>
        public readonly nuint Uordblks;

        /// <summary>Bytes in free blocks in the heaps.</summary>
        public readonly nuint Fordblks;

        private readonly nuint _keepcost;
    }
}
