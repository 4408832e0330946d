using System.IO.Compression;
using Ppl.Data;
using static TorchSharp.torch;

namespace Ppl.Tests.Data;

/// <summary>
/// IDX files against bytes written by hand from the format's definition (magic, big-endian dims,
/// big-endian values), so the reader is not checked only against our own writer.
/// </summary>
public sealed class IdxFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-idx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ReadsAnMnistStyleImageFile()
    {
        // two 2×3 uint8 images: 00 00 08 03, dims 2, 2, 3, then the pixels
        byte[] bytes = [0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60];
        string path = WriteBytes("images-idx3-ubyte", bytes);

        using var images = IdxFile.Read(path);

        Assert.Equal(ScalarType.Byte, images.dtype);
        Assert.Equal(new long[] { 2, 2, 3 }, images.shape);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60 }, images.data<byte>().ToArray());
    }

    [Fact]
    public void ReadsBigEndianValues()
    {
        // int32 [2]: 1 and −2; float32 [1]: 1.5 (0x3FC00000)
        string ints = WriteBytes("ints", [0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE]);
        string floats = WriteBytes("floats", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0]);

        using var i = IdxFile.Read(ints);
        using var f = IdxFile.Read(floats);

        Assert.Equal(new[] { 1, -2 }, i.data<int>().ToArray());
        Assert.Equal(new[] { 1.5f }, f.data<float>().ToArray());
    }

    [Fact]
    public void ReadsGzippedFiles()
    {
        byte[] plain = [0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9];
        string path = Path.Combine(_folder, "labels-idx1-ubyte.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(plain);
        }

        using var labels = IdxFile.Read(path);
        Assert.Equal(new byte[] { 7, 8, 9 }, labels.data<byte>().ToArray());
    }

    [Theory]
    [InlineData(ScalarType.Byte)]
    [InlineData(ScalarType.Int8)]
    [InlineData(ScalarType.Int16)]
    [InlineData(ScalarType.Int32)]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void WhatIsWrittenIsReadBack(ScalarType type)
    {
        using var scope = NewDisposeScope();
        var values = arange(-12, 12, dtype: ScalarType.Float64).mul(type is ScalarType.Float32 or ScalarType.Float64 ? 0.37 : 1).reshape(2, 3, 4);
        if (type == ScalarType.Byte)
        {
            values = values.add(12);
        }

        values = values.to(type);
        string path = Path.Combine(_folder, $"{type}.idx");

        IdxFile.Write(path, values);
        var read = IdxFile.Read(path);

        Assert.Equal(type, read.dtype);
        Assert.Equal(values.shape, read.shape);
        Assert.True(read.eq(values).all().item<bool>(), $"{type}: read back {TensorFormat.Values(read)}");
        Assert.Equal(4 + (3 * 4) + (24 * values.element_size()), new FileInfo(path).Length);
    }

    [Fact]
    public void AFileThatIsNotIdxIsRefusedByPath()
    {
        string path = WriteBytes("not-idx", [0x50, 0x4B, 3, 4, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownTypeCodeIsNamed()
    {
        string path = WriteBytes("bad-type", [0, 0, 0x0A, 1, 0, 0, 0, 1, 0]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains("0x0A", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0x08, 2, 0, 0, 0, 2 })] // header cut short
    [InlineData(new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2 })] // one value missing
    [InlineData(new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 1, 1, 2 })] // one value too many
    public void AFileOfTheWrongLengthIsRefused(byte[] bytes)
    {
        string path = WriteBytes("cut", bytes);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATypeWithoutAnIdxCodeIsRefusedOnWrite()
    {
        using var values = zeros(2, dtype: ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => IdxFile.Write(Path.Combine(_folder, "x"), values));
        Assert.Contains("Int64", e.Message, StringComparison.Ordinal);
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
