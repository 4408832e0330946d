using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Helpers that create tensors on the device and dtype of existing ones.</summary>
internal static class TensorUtil
{
    /// <summary>A 0-dim tensor holding <paramref name="value"/> with the dtype and device of <paramref name="like"/>.</summary>
    public static Tensor ScalarLike(double value, Tensor like) => torch.tensor(value, dtype: like.dtype, device: like.device);

    /// <summary>A 0-dim tensor on the default device with the default floating dtype.</summary>
    public static Tensor Scalar(double value) => torch.tensor(value, dtype: torch.get_default_dtype(), device: torch.get_default_device());

    /// <summary>Drops the rightmost <paramref name="count"/> entries of a shape.</summary>
    public static long[] DropRight(long[] shape, int count) => shape[..^count];

    /// <summary>Sums the rightmost <paramref name="count"/> dimensions.</summary>
    public static Tensor SumRightmost(Tensor value, int count)
    {
        if (count == 0)
        {
            return value;
        }

        var dims = Enumerable.Range(1, count).Select(i => (long)-i).ToArray();
        return value.sum(dims, keepdim: false);
    }
}
