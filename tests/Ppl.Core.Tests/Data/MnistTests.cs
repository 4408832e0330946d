using Ppl.Data;
using static TorchSharp.torch;

namespace Ppl.Tests.Data;

/// <summary>MNIST from the four IDX files, on tiny files the test writes itself (tests never download).</summary>
public sealed class MnistTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-mnist-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LoadsBothSplitsAsStoredAndAsNetworkInputs()
    {
        WriteSplit("train", count: 3, labels: [5, 0, 4]);
        WriteSplit("t10k", count: 2, labels: [7, 2]);

        using var mnist = Mnist.Load(_folder);
        using var scope = NewDisposeScope();

        Assert.Equal((3L, 2L), (mnist.Train.Count, mnist.Test.Count));
        Assert.Equal(new long[] { 3, 28, 28 }, mnist.Train.Images.shape);
        var pixels = mnist.Train.Pixels();
        Assert.Equal(new long[] { 3, 784 }, pixels.shape);
        Assert.Equal(ScalarType.Float32, pixels.dtype);
        // image k's pixel p is (k + p) mod 256, so row 1, column 10 is 11 / 255
        Assert.Equal(11 / 255.0, pixels[1, 10].item<float>(), 1e-7);
        Assert.Equal(new long[] { 5, 0, 4 }, mnist.Train.Digits().data<long>().ToArray());
        Assert.Equal(new long[] { 7, 2 }, mnist.Test.Digits().data<long>().ToArray());
    }

    [Fact]
    public void ReadsGzippedFilesByTheirUsualNames()
    {
        WriteSplit("train", count: 1, labels: [1], gzip: true);
        WriteSplit("t10k", count: 1, labels: [3], gzip: true);

        using var mnist = Mnist.Load(_folder);
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 3 }, mnist.Test.Digits().data<long>().ToArray());
    }

    [Fact]
    public void AMissingFileIsNamedWithTheFolder()
    {
        WriteSplit("train", count: 1, labels: [1]);

        var e = Assert.Throws<FileNotFoundException>(() => Mnist.Load(_folder));
        Assert.Contains("t10k-images-idx3-ubyte", e.Message, StringComparison.Ordinal);
        Assert.Contains(_folder, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsMustMatchTheImages()
    {
        WriteSplit("train", count: 3, labels: [1, 2]);
        WriteSplit("t10k", count: 1, labels: [1]);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(_folder));
        Assert.Contains("train-labels-idx1-ubyte", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsAreDigits()
    {
        WriteSplit("train", count: 2, labels: [1, 12]);
        WriteSplit("t10k", count: 1, labels: [1]);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(_folder));
        Assert.Contains("12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesAre28By28()
    {
        using (var images = zeros(new long[] { 2, 28, 27 }, dtype: ScalarType.Byte))
        {
            IdxFile.Write(Path.Combine(_folder, "train-images-idx3-ubyte"), images);
        }

        using (var labels = zeros(new long[] { 2 }, dtype: ScalarType.Byte))
        {
            IdxFile.Write(Path.Combine(_folder, "train-labels-idx1-ubyte"), labels);
        }

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(_folder));
        Assert.Contains("[2, 28, 27]", e.Message, StringComparison.Ordinal);
    }

    private void WriteSplit(string prefix, int count, byte[] labels, bool gzip = false)
    {
        using var scope = NewDisposeScope();
        var images = arange(count * 784, dtype: ScalarType.Int64).reshape(count, 784)
            .add(arange(count, dtype: ScalarType.Int64).unsqueeze(1).mul(1 - 784)) // pixel p of image k: k + p
            .remainder(256).to(ScalarType.Byte).reshape(count, 28, 28);
        Write($"{prefix}-images-idx3-ubyte", images, gzip);
        Write($"{prefix}-labels-idx1-ubyte", tensor(labels, dtype: ScalarType.Byte), gzip);
    }

    private void Write(string name, Tensor values, bool gzip)
    {
        string path = Path.Combine(_folder, name);
        IdxFile.Write(path, values);
        if (gzip)
        {
            byte[] plain = File.ReadAllBytes(path);
            File.Delete(path);
            using var file = File.Create(path + ".gz");
            using var stream = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
            stream.Write(plain);
        }
    }
}
