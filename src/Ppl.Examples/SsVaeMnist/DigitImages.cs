using static TorchSharp.torch;

namespace Ppl.Examples.SsVaeMnist;

/// <summary>
/// A data set as the M2 programs see it: pixels in [0, 1], and the digit of the rows whose label is
/// known. The digits of unlabelled rows are replaced by 0 when the set is made, so no program can
/// read a label it was not given.
/// </summary>
public sealed class DigitImages : IDisposable
{
    private DigitImages(Tensor pixels, Tensor digits, Tensor labelled)
    {
        (Pixels, Digits, Labelled) = (pixels, digits, labelled);
    }

    /// <summary>Pixels in [0, 1], float32 <c>[N, pixels]</c>.</summary>
    public Tensor Pixels { get; }

    /// <summary>The observed digit of labelled rows, 0 for the others; int64 <c>[N]</c>.</summary>
    public Tensor Digits { get; }

    /// <summary>Which rows are labelled; bool <c>[N]</c>.</summary>
    public Tensor Labelled { get; }

    /// <summary>The number of rows.</summary>
    public long Count => Pixels.shape[0];

    /// <summary>The number of labelled rows.</summary>
    public long LabelledCount => Labelled.sum().item<long>();

    /// <summary>
    /// <paramref name="pixels"/> with the labels of <paramref name="perClass"/> rows of every digit
    /// kept (a seeded choice, the same number per class as in Kingma et al.'s setup) and the rest dropped.
    /// </summary>
    /// <param name="pixels">Pixels in [0, 1] <c>[N, pixels]</c>.</param>
    /// <param name="digits">Every row's true digit, int64 <c>[N]</c>.</param>
    /// <param name="perClass">Labelled rows per digit.</param>
    /// <param name="seed">Seed of the choice.</param>
    /// <exception cref="ArgumentException">Some digit has fewer than <paramref name="perClass"/> rows.</exception>
    public static DigitImages SemiSupervised(Tensor pixels, Tensor digits, int perClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(digits);
        var labels = digits.to(ScalarType.Int64).data<long>().ToArray();
        var random = new Random(seed);
        var labelled = new bool[labels.Length];
        for (int digit = 0; digit < SemiSupervisedVae.Classes; digit++)
        {
            var rows = Enumerable.Range(0, labels.Length).Where(i => labels[i] == digit).ToArray();
            if (rows.Length < perClass)
            {
                throw new ArgumentException($"Digit {digit} has {rows.Length} rows, fewer than the {perClass} to label.", nameof(perClass));
            }

            random.Shuffle(rows);
            foreach (int row in rows.Take(perClass))
            {
                labelled[row] = true;
            }
        }

        var known = tensor(labelled);
        return new DigitImages(pixels, digits.to(ScalarType.Int64).masked_fill(known.logical_not(), 0), known);
    }

    /// <summary><paramref name="pixels"/> with no label known (the test set as the generative model sees it).</summary>
    public static DigitImages Unlabelled(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        long n = pixels.shape[0];
        return new DigitImages(pixels, zeros(n, dtype: ScalarType.Int64), zeros(n, dtype: ScalarType.Bool));
    }


    /// <inheritdoc />
    public void Dispose()
    {
        Pixels.Dispose();
        Digits.Dispose();
        Labelled.Dispose();
    }
}
