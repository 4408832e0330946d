using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>
/// Digits each sent through one mechanism: the canonical images [n, 1, 32, 32], their transformed
/// images, the index (into the run's mechanism list) of the mechanism each went through, and the digit.
/// </summary>
/// <param name="Canonical">The padded digits, [n, 1, 32, 32] in [0, 1].</param>
/// <param name="Transformed">The same digits after their mechanism, [n, 1, 32, 32].</param>
/// <param name="Mechanisms">The mechanism of each, [n] int64.</param>
/// <param name="Digits">The class of each, [n] int64.</param>
internal sealed record TransformedDigits(Tensor Canonical, Tensor Transformed, Tensor Mechanisms, Tensor Digits)
{
    /// <summary>The side of the padded images.</summary>
    public const int Side = 32;

    /// <summary>
    /// Pads <paramref name="pixels"/> [n, 784] (28 × 28 in [0, 1]) by 2 on every side to 32 × 32 (before
    /// any mechanism, as the paper does) and sends example i through mechanism i mod count in a shuffled
    /// order, so every mechanism gets an equal share; noise draws from <paramref name="generator"/>.
    /// </summary>
    public static TransformedDigits Make(Tensor pixels, Tensor digits, IReadOnlyList<Mechanism> mechanisms, Generator generator)
    {
        long n = pixels.shape[0];
        var canonical = Pad(pixels);
        var which = arange(n, dtype: ScalarType.Int64).remainder(mechanisms.Count).index_select(0, randperm(n, generator: generator));
        var transformed = canonical.clone();
        for (int m = 0; m < mechanisms.Count; m++)
        {
            var rows = which.eq(m).nonzero().reshape(-1);
            transformed.index_copy_(0, rows, mechanisms[m].Apply(canonical.index_select(0, rows), generator));
        }

        return new TransformedDigits(canonical, transformed, which, digits);
    }

    /// <summary>[n, 784] → [n, 1, 32, 32], zero borders of 2 pixels.</summary>
    public static Tensor Pad(Tensor pixels) =>
        nn.functional.pad(pixels.reshape(pixels.shape[0], 1, 28, 28), [2, 2, 2, 2]);
}
