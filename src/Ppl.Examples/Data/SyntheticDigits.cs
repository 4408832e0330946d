using static TorchSharp.torch;

namespace Ppl.Examples.Data;

/// <summary>
/// The deep examples' smoke-run data, made in memory (tests never download): ten classes of 28 × 28 binary
/// images, each class a bar (digits 0–4 vertical bars at five columns, 5–9 horizontal bars at
/// five rows) whose pixels are on with probability 0.9 over a background on with 0.02, so a
/// classifier can learn them from a few labels and the pictures show ten recognizable patterns.
/// </summary>
internal static class SyntheticDigits
{
    /// <summary>How many classes ("digits") there are.</summary>
    public const int Classes = 10;

    private const int Side = 28;
    private const int BarWidth = 3;

    /// <summary><paramref name="count"/> images and their classes (balanced, in random order).</summary>
    public static (Tensor Pixels, Tensor Digits) Make(int count, long seed)
    {
        var gen = new Generator((ulong)seed, CPU);
        var prototypes = full(Classes, Side, Side, 0.02f);
        for (int digit = 0; digit < Classes; digit++)
        {
            int at = 2 + (5 * (digit % 5));
            var bar = digit < 5 ? prototypes[digit].narrow(1, at, BarWidth) : prototypes[digit].narrow(0, at, BarWidth);
            bar.fill_(0.9f);
        }

        prototypes = prototypes.reshape(Classes, Side * Side);
        var digits = arange(count, dtype: ScalarType.Int64).remainder(Classes)[randperm(count, generator: gen)];
        var pixels = bernoulli(prototypes.index_select(0, digits), gen);
        return (pixels, digits);
    }
}
