using static TorchSharp.torch;

namespace Ppl.Data;

/// <summary>
/// The MNIST digits (LeCun, Cortes, Burges): 60,000 training and 10,000 test images of 28 × 28
/// pixels with their labels, read from the four IDX files of the original distribution, plain or
/// gzipped (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each optionally ending in
/// <c>.gz</c>). Getting the files is up to the caller; the examples fetch them from the npm
/// registry (docs/deep-models.md).
/// </summary>
public sealed class Mnist : IDisposable
{
    private Mnist(MnistSplit train, MnistSplit test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>The training split (60,000 images in the original).</summary>
    public MnistSplit Train { get; }

    /// <summary>The test split (10,000 images in the original).</summary>
    public MnistSplit Test { get; }

    /// <summary>Reads both splits from <paramref name="folder"/>.</summary>
    /// <exception cref="FileNotFoundException">One of the four files is missing (plain and .gz); the message names it and the folder.</exception>
    /// <exception cref="InvalidDataException">A file is not IDX, images are not 28 × 28 uint8, labels are not uint8 digits 0–9, or a split's image and label counts differ.</exception>
    public static Mnist Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var train = LoadSplit(folder, "train");
        try
        {
            return new Mnist(train, LoadSplit(folder, "t10k"));
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>Disposes both splits.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }

    private static MnistSplit LoadSplit(string folder, string prefix)
    {
        string imagesPath = Find(folder, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(folder, $"{prefix}-labels-idx1-ubyte");
        var images = IdxFile.Read(imagesPath);
        Tensor? labels = null;
        try
        {
            if (images.dtype != ScalarType.Byte || images.dim() != 3 || images.shape[1] != 28 || images.shape[2] != 28)
            {
                throw new InvalidDataException($"{imagesPath}: MNIST images are uint8 of shape [count, 28, 28]; got {images.dtype} of shape {Distributions.ShapeUtil.Format(images.shape)}.");
            }

            labels = IdxFile.Read(labelsPath);
            if (labels.dtype != ScalarType.Byte || labels.dim() != 1 || labels.shape[0] != images.shape[0])
            {
                throw new InvalidDataException($"{labelsPath}: MNIST labels are uint8 of shape [{images.shape[0]}] (one per image in {Path.GetFileName(imagesPath)}); got {labels.dtype} of shape {Distributions.ShapeUtil.Format(labels.shape)}.");
            }

            if (labels.numel() > 0 && labels.max().item<byte>() > 9)
            {
                throw new InvalidDataException($"{labelsPath}: a label is {labels.max().item<byte>()}; MNIST's are the digits 0–9.");
            }

            return new MnistSplit(images, labels);
        }
        catch
        {
            images.Dispose();
            labels?.Dispose();
            throw;
        }
    }

    private static string Find(string folder, string name)
    {
        foreach (string candidate in new[] { name, name + ".gz" })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"MNIST: {name} (or {name}.gz) is not in {folder}.", Path.Combine(folder, name));
    }
}
