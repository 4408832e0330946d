namespace Ppl.Data;

/// <summary>
/// Minibatches of the rows of a data set for stochastic variational inference (PyTorch's
/// <c>DataLoader</c> over indices, Pyro's <c>plate(..., subsample=...)</c> pattern): each epoch is a
/// permutation of the rows, drawn from <see cref="Seed"/> and the epoch number alone, cut into
/// batches of <see cref="BatchSize"/> rows. A batch hands its rows to a subsampled plate
/// (<see cref="MiniBatch.Plate"/>), so every site in it is scaled by size / batch size and the ELBO
/// estimates the full data set's.
/// </summary>
/// <remarks>
/// The indices are kept on the host as numbers and become a tensor only when a batch is used,
/// inside the caller's dispose scope and on the data's device: an epoch holds no native memory,
/// and the order does not depend on the device or on TorchSharp's random stream.
/// </remarks>
/// <example>
/// <code>
/// var batches = new MiniBatches(size: x.shape[0], batchSize: 128, seed: 1);
/// for (int epoch = 0; epoch &lt; 10; epoch++)
/// {
///     foreach (var batch in batches.Epoch(epoch))
///     {
///         svi.Step((batch, x, y));   // the model opens batch.Plate("data") and reads batch.Select(x)
///     }
/// }
/// </code>
/// </example>
public sealed class MiniBatches
{
    /// <summary>Batches of the rows 0 … <paramref name="size"/> − 1.</summary>
    /// <param name="size">How many rows the data set has (the plate's full size).</param>
    /// <param name="batchSize">Rows per batch; the last batch of an epoch may be smaller unless <paramref name="dropLast"/>.</param>
    /// <param name="shuffle">Whether each epoch visits the rows in a fresh random order (otherwise in order 0, 1, …).</param>
    /// <param name="dropLast">Whether to leave out an epoch's last batch when it would be smaller than <paramref name="batchSize"/>.</param>
    /// <param name="seed">With the epoch number, fixes every epoch's order.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive, or <paramref name="batchSize"/> is not in 1 … <paramref name="size"/>.</exception>
    public MiniBatches(long size, long batchSize, bool shuffle = true, bool dropLast = false, int seed = 0)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "MiniBatches: the data set needs at least one row.");
        }

        if (batchSize < 1 || batchSize > size)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"MiniBatches: the batch size must be between 1 and the data set's {size} rows.");
        }

        if (size > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"MiniBatches: at most {int.MaxValue} rows (the order of an epoch is kept on the host).");
        }

        (Size, BatchSize, Shuffle, DropLast, Seed) = (size, batchSize, shuffle, dropLast, seed);
    }

    /// <summary>How many rows the data set has.</summary>
    public long Size { get; }

    /// <summary>Rows per batch.</summary>
    public long BatchSize { get; }

    /// <summary>Whether each epoch visits the rows in a fresh random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether an epoch's last, smaller batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>The seed that, with the epoch number, fixes every epoch's order.</summary>
    public int Seed { get; }

    /// <summary>Batches in one epoch.</summary>
    public long BatchesPerEpoch => DropLast ? Size / BatchSize : (Size + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>. The same epoch number gives the same batches
    /// every time, so a run resumed at an epoch sees the batches it would have seen.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public IEnumerable<MiniBatch> Epoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Batches(Order(epoch), epoch);
    }

    private IEnumerable<MiniBatch> Batches(long[] order, int epoch)
    {
        for (long b = 0; b < BatchesPerEpoch; b++)
        {
            long start = b * BatchSize;
            int count = (int)Math.Min(BatchSize, Size - start);
            yield return new MiniBatch(new ArraySegment<long>(order, (int)start, count), Size, epoch, (int)b);
        }
    }

    private long[] Order(int epoch)
    {
        var order = new long[Size];
        for (long i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (Shuffle)
        {
            // Fisher–Yates with a seeded System.Random (the same sequence on every platform and
            // .NET version), seeded by a fixed mix of seed and epoch (HashCode is per process)
            var random = new Random(EpochSeed(Seed, epoch));
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        return order;
    }

    // SplitMix64's finalizer over (seed, epoch): nearby seeds and epochs give unrelated streams
    private static int EpochSeed(int seed, int epoch)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) | (uint)epoch);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return unchecked((int)(z ^ (z >> 32)));
    }
}
