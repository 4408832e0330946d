using System.Runtime.InteropServices;

namespace Ppl.Tests;

/// <summary>
/// <see cref="TensorMemory.Tune"/> against glibc's own bookkeeping (<c>mallinfo2</c>, summed over
/// every arena): after tuning, blocks of a few megabytes are not given mappings of their own, and
/// freeing them does not shrink the heap (the memory stays for the next allocation).
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
    public unsafe void FreedMegabyteBlocksStayInTheHeapAndAreNotMappedSeparately()
    {
        if (!HasGlibc())
        {
            Assert.False(TensorMemory.Tune());
            return;
        }

        Assert.True(TensorMemory.Tune());
        var blocks = new nint[Blocks];
        var before = MallInfo();
        for (int i = 0; i < Blocks; i++)
        {
            blocks[i] = (nint)NativeMemory.Alloc(BlockBytes);
            new Span<byte>((void*)blocks[i], BlockBytes).Fill(1); // touch every page
        }

        var held = MallInfo();
        foreach (var block in blocks)
        {
            NativeMemory.Free((void*)block);
        }

        var after = MallInfo();
        // glibc's defaults (128 KiB mapping threshold until a mapped block is freed; trimming past
        // twice that) would map each block on its own and give its pages back on free
        Assert.True(held.MappedBytes - before.MappedBytes < BlockBytes, $"{(held.MappedBytes - before.MappedBytes) >> 20} MiB of the {Blocks} blocks were mapped separately");
        // kept means the heap did not shrink when they were freed (other test threads may grow it
        // meanwhile, or reuse the freed blocks at once, so the free-byte count itself is not a measure)
        Assert.True(after.HeapBytes >= held.HeapBytes - BlockBytes, $"the heap shrank by {(held.HeapBytes - after.HeapBytes) >> 20} MiB when {Blocks * BlockBytes >> 20} MiB were freed");
    }

    private static bool HasGlibc() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc) && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _);

    private static (long MappedBytes, long HeapBytes) MallInfo()
    {
        var info = mallinfo2();
        return ((long)info.Hblkhd, (long)info.Arena);
    }

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
