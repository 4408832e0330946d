using System.Runtime.InteropServices;

namespace Ppl.Tests;

/// <summary>
/// <see cref="TensorMemory.Tune"/> against glibc's own bookkeeping (<c>mallinfo2</c>, summed over
/// every arena): after tuning, blocks of a few megabytes come from the heap instead of mappings of
/// their own, which the kernel would zero-fill afresh on every allocation.
/// </summary>
public sealed class TensorMemoryTests
{
    private const int Blocks = 8;
    private const int BlockBytes = 2 << 20;

    [Fact]
    public void TuningTakesEffectExactlyOnLinuxWithGlibc()
    {
        Assert.Equal(HasGlibc(), TensorMemory.Tune());
        Assert.Equal(HasGlibc(), TensorMemory.IsTuned);
        Assert.Equal(HasGlibc(), TensorMemory.Tune()); // idempotent
    }

    [Fact]
    public unsafe void MegabyteBlocksComeFromTheHeapNotFromMappingsOfTheirOwn()
    {
        if (!HasGlibc())
        {
            Assert.False(TensorMemory.Tune());
            return;
        }

        Assert.True(TensorMemory.Tune());
        var blocks = new nint[Blocks];
        long before = MappedBytes();
        for (int i = 0; i < Blocks; i++)
        {
            blocks[i] = (nint)NativeMemory.Alloc(BlockBytes);
            new Span<byte>((void*)blocks[i], BlockBytes).Fill(1); // touch every page
        }

        long held = MappedBytes();
        foreach (var block in blocks)
        {
            NativeMemory.Free((void*)block);
        }

        // Retention (the trim threshold) is not asserted here: a test runs on a pool thread, whose
        // arena is a secondary heap that glibc deletes whole once it is free, whatever the threshold
        // (CI saw its heap shrink by 8 MiB); the main thread's heap (a training loop on the main
        // thread) keeps them. The page faults it saves are measured in benchmarks/ instead
        // (docs/design/performance-under-load.md, section 2).
        Assert.True(held - before < BlockBytes, $"{(held - before) >> 20} MiB of the {Blocks} blocks were mapped separately");
    }

    private static bool HasGlibc() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc) && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _);

    private static long MappedBytes() => (long)mallinfo2().Hblkhd;

    [DllImport("libc.so.6")]
    private static extern MallInfo2 mallinfo2();

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        public readonly nuint Arena;
        public readonly nuint Ordblks;
        public readonly nuint Smblks;
        public readonly nuint Hblks;
        public readonly nuint Hblkhd;
        public readonly nuint Usmblks;
        public readonly nuint Fsmblks;
        public readonly nuint Uordblks;
        public readonly nuint Fordblks;
        public readonly nuint Keepcost;
    }
}
