using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

internal static partial class Kernels
{
    /// <summary>
    /// Categorical draws of shape <c>sampleShape + batch</c> from normalized log-probabilities of
    /// shape <c>batch + [K]</c>, by inverse-CDF sampling: one cumulative sum of the probabilities
    /// per batch row, then a binary search of each uniform draw in it. Memory is
    /// O(batch · (K + samples)) and time O(batch · (K + samples · log K)); Gumbel-max would
    /// materialize samples · batch · K noise (2.7 GB for 100 draws over 10⁶ categories).
    /// The sum runs in float64 whatever the dtype: a float32 running sum near 1 has a spacing of
    /// 6·10⁻⁸, which would distort every category whose probability is not far above that.
    /// On meta, which has no <c>searchsorted</c> kernel, the result is a value-less int64 tensor of
    /// the draw's shape.
    /// </summary>
    public static Tensor SampleCategorical(Tensor normalizedLogits, long[] sampleShape, Generator? generator)
    {
        long[] batch = normalizedLogits.Shape()[..^1];
        long[] drawShape = [.. sampleShape, .. batch];
        if (IsMeta(normalizedLogits))
        {
            return torch.zeros(drawShape, dtype: ScalarType.Int64, device: normalizedLogits.device);
        }

        long draws = sampleShape.Aggregate(1L, (a, b) => a * b);
        long categories = normalizedLogits.Shape()[^1];
        var cdf = normalizedLogits.to(ScalarType.Float64).exp().cumsum(-1);
        var total = cdf.narrow(-1, categories - 1, 1).contiguous(); // ≈ 1; scaling by it keeps each category's width exact (contiguous: searchsorted warns on a strided value tensor)
        var u = torch.rand([.. batch, draws], dtype: ScalarType.Float64, device: cdf.device, generator: generator);

        // the first category whose cumulative probability exceeds u·total; categories of
        // probability 0 add nothing to the sum, so no u can land on them
        var index = torch.searchsorted(cdf, u.mul(total), right: true);

        // u·total may round up to total itself, past the last category of positive probability
        var last = torch.searchsorted(cdf, total, right: false);
        index = index.minimum(last);
        return batch.Length == 0 ? index.reshape(drawShape) : index.movedim([-1L], [0L]).reshape(drawShape);
    }
}
