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
    private const int ReleasedBlockBytes = 8 << 20;

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

    [Fact]
    public unsafe void ReleaseFreedGivesBackThePagesOfAFreedBlockInsideTheHeap()
    {
        if (!HasGlibc())
        {
            Assert.False(TensorMemory.ReleaseFreed(0));
            return;
        }

        Assert.True(TensorMemory.Tune()); // an 8 MiB block then comes from the heap, and freeing it keeps its pages
        var (block, after) = BlockWithNeighbourAfter();
        NativeMemory.Free((void*)block);
        double residentAfterFree = ResidentShare(block, ReleasedBlockBytes);
        Assert.True(TensorMemory.ReleaseFreed(0));
        double residentAfterRelease = ResidentShare(block, ReleasedBlockBytes);
        NativeMemory.Free((void*)after);

        Assert.True(residentAfterFree > 0.9, $"only {residentAfterFree:P0} of the freed block's pages were still resident before the release");
        Assert.True(residentAfterRelease < 0.1, $"{residentAfterRelease:P0} of the freed block's pages were still resident after the release");
    }

    [Fact]
    public void ReleaseFreedReleasesNothingWithinItsBudget()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorMemory.ReleaseFreed(-1));
        if (GlibcMalloc.Process.Value?.Info() is not null)
        {
            Assert.True(TensorMemory.ReleaseFreed(0) || FreeHeapBytes() == 0);
        }

        Assert.False(TensorMemory.ReleaseFreed(long.MaxValue));
    }

    /// <summary>
    /// An 8 MiB block followed directly by another, so that once freed it lies inside the heap rather than at
    /// its top (glibc trims a secondary arena's top by its own threshold only, and the test runs on a pool
    /// thread). Either may come from a free block elsewhere in the heap instead; such pairs stay allocated
    /// until a pair comes from the top, one after the other.
    /// </summary>
    private static unsafe (nint Block, nint After) BlockWithNeighbourAfter()
    {
        var discarded = new List<nint>();
        try
        {
            for (int attempt = 0; attempt < 16; attempt++)
            {
                nint block = (nint)NativeMemory.Alloc(ReleasedBlockBytes);
                nint after = (nint)NativeMemory.Alloc(ReleasedBlockBytes);
                new Span<byte>((void*)block, ReleasedBlockBytes).Fill(1); // touch every page
                long gap = after - block;
                if (gap > 0 && gap < ReleasedBlockBytes + (64 << 10))
                {
                    return (block, after);
                }

                discarded.AddRange([block, after]);
            }

            throw new InvalidOperationException("no two 8 MiB blocks one right after the other in 16 attempts");
        }
        finally
        {
            foreach (var pointer in discarded)
            {
                NativeMemory.Free((void*)pointer);
            }
        }
    }

    /// <summary>The share of the whole pages inside [start, start + bytes) that are resident (<c>mincore</c>).</summary>
    private static unsafe double ResidentShare(nint start, int bytes)
    {
        long page = Environment.SystemPageSize;
        long first = (start + page - 1) / page * page;
        long end = (start + bytes) / page * page;
        int pages = (int)((end - first) / page);
        var flags = new byte[pages];
        fixed (byte* vector = flags)
        {
            Assert.Equal(0, mincore((nint)first, (nuint)(end - first), vector));
        }

        return flags.Count(f => (f & 1) != 0) / (double)pages;
    }

    private static long FreeHeapBytes() => (long)Info().Fordblks;

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern unsafe int mincore(nint address, nuint length, byte* vector);

    private static bool HasGlibc() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc) && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _);

    private static long MappedBytes() => (long)Info().Hblkhd;

    private static GlibcMalloc.MallInfo2 Info() => GlibcMalloc.Process.Value?.Info() ?? throw new InvalidOperationException("glibc 2.33 or later is needed to read mallinfo2");
}
