using static TorchSharp.torch;

namespace Ppl.Data;

/// <summary>One split of MNIST (training or test): the images and their digit labels, on the CPU.</summary>
public sealed class MnistSplit : IDisposable
{
    internal MnistSplit(Tensor images, Tensor labels)
    {
        Images = images;
        Labels = labels;
    }

    /// <summary>The images as stored: uint8, shape [count, 28, 28], 0 (background) to 255 (ink).</summary>
    public Tensor Images { get; }

    /// <summary>The digits 0–9 as stored: uint8, shape [count].</summary>
    public Tensor Labels { get; }

    /// <summary>How many images the split has.</summary>
    public long Count => Labels.shape[0];

    /// <summary>
    /// The images as float32 rows in [0, 1] (pixel / 255), shape [count, 784], on
    /// <paramref name="device"/>: the input of a fully connected network (Pyro's VAE example).
    /// Made in the current dispose scope.
    /// </summary>
    public Tensor Pixels(Device? device = null) => Images.to(ScalarType.Float32, device ?? CPU).reshape(Count, 28 * 28).div(255.0);

    /// <summary>The labels as int64 class indices, shape [count], on <paramref name="device"/>, made in the current dispose scope.</summary>
    public Tensor Digits(Device? device = null) => Labels.to(ScalarType.Int64, device ?? CPU);

    /// <summary>Disposes the images and labels.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
