using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Ppl.Data;

/// <summary>
/// Reads and writes IDX files, the format of MNIST and its relatives: two zero bytes, a type
/// code, the number of dims, each dim as a big-endian int32, then the values row-major and
/// big-endian. Gzip-compressed files (<c>.gz</c>, as the MNIST site serves them) are read too.
/// </summary>
public static class IdxFile
{
    private static readonly (byte Code, ScalarType Type, int Size)[] Types =
    [
        (0x08, ScalarType.Byte, 1),
        (0x09, ScalarType.Int8, 1),
        (0x0B, ScalarType.Int16, 2),
        (0x0C, ScalarType.Int32, 4),
        (0x0D, ScalarType.Float32, 4),
        (0x0E, ScalarType.Float64, 8),
    ];

    /// <summary>The tensor stored in <paramref name="path"/>, on the CPU, in the file's type (MNIST: uint8).</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not IDX or is cut short; the message starts with the path.</exception>
    public static Tensor Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>The tensor stored in <paramref name="stream"/> (plain or gzip), read to its end.</summary>
    /// <param name="stream">The IDX bytes.</param>
    /// <param name="name">What to call the source in messages.</param>
    /// <exception cref="InvalidDataException">The bytes are not IDX or are cut short.</exception>
    public static Tensor Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        var bytes = ReadAll(stream);
        if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            bytes = ReadAll(gzip);
        }

        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new InvalidDataException($"{name}: not an IDX file (it must start with two zero bytes, a type code and the number of dims).");
        }

        int typeIndex = Array.FindIndex(Types, t => t.Code == bytes[2]);
        if (typeIndex < 0)
        {
            throw new InvalidDataException($"{name}: unknown IDX type code 0x{bytes[2]:X2} (known: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64).");
        }

        var (_, type, size) = Types[typeIndex];
        int dims = bytes[3];
        int header = 4 + (4 * dims);
        if (bytes.Length < header)
        {
            throw new InvalidDataException($"{name}: cut short in the header ({bytes.Length} bytes for {dims} dims).");
        }

        var shape = new long[dims];
        long count = 1;
        for (int d = 0; d < dims; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * d)));
            if (shape[d] < 0)
            {
                throw new InvalidDataException($"{name}: dim {d} is {shape[d]}.");
            }

            count *= shape[d];
        }

        long expected = header + (count * size);
        if (bytes.Length != expected)
        {
            throw new InvalidDataException($"{name}: shape {Distributions.ShapeUtil.Format(shape)} of {type} needs {expected} bytes; the file has {bytes.Length}.");
        }

        var values = bytes.AsSpan(header).ToArray();
        SwapBigEndian(values, size);

        var result = empty(shape, dtype: type);
        if (values.Length > 0)
        {
            result.bytes = values;
        }

        return result;
    }

    /// <summary>Writes <paramref name="values"/> to <paramref name="path"/> as an uncompressed IDX file.</summary>
    /// <exception cref="ArgumentException">The dtype has no IDX type code, or the tensor has more than 255 dims.</exception>
    public static void Write(string path, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(values);
        int typeIndex = Array.FindIndex(Types, t => t.Type == values.dtype);
        if (typeIndex < 0)
        {
            throw new ArgumentException($"IdxFile.Write: IDX has no type code for {values.dtype}; use uint8, int8, int16, int32, float32 or float64.", nameof(values));
        }

        if (values.dim() > 255)
        {
            throw new ArgumentException($"IdxFile.Write: IDX holds at most 255 dims; got {values.dim()}.", nameof(values));
        }

        var (code, _, size) = Types[typeIndex];
        using var scope = NewDisposeScope();
        var data = values.cpu().contiguous().bytes.ToArray();
        SwapBigEndian(data, size);

        using var file = File.Create(path);
        file.Write([0, 0, code, (byte)values.dim()]);
        Span<byte> dim = stackalloc byte[4];
        foreach (long d in values.shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(dim, checked((int)d));
            file.Write(dim);
        }

        file.Write(data);
    }

    // IDX stores values big-endian; the swap is its own inverse, so reading and writing share it
    private static void SwapBigEndian(byte[] values, int size)
    {
        if (size > 1 && BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < values.Length; i += size)
            {
                Array.Reverse(values, i, size);
            }
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
