using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.IO;

/// <summary>
/// A tensor as Ppl files store it: dtype code (int32) · rank (int32) · dims (int64 each) · byte
/// length (int64) · the raw little-endian bytes of the contiguous CPU copy. Raw bytes so a
/// restored value is bit-identical. Reading checks the dtype, the rank, that the element count
/// and byte length neither overflow nor disagree, and that the bytes are in the file, before
/// allocating them.
/// </summary>
internal sealed record StoredTensor(ScalarType DType, long[] Shape, byte[] Bytes)
{
    /// <summary>Ranks above this are taken for damage (PyTorch itself allows 64 dims).</summary>
    public const int MaxRank = 64;

    /// <summary>Writes <paramref name="value"/> (any device) as a stored tensor; <paramref name="what"/> names it in errors.</summary>
    /// <exception cref="NotSupportedException">The dtype has no fixed byte size here, or the tensor is too large for one block.</exception>
    public static void Write(BinaryWriter writer, Tensor value, string what)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        using var scope = NewDisposeScope();
        var cpu = value.detach().to(CPU).contiguous();
        long elementSize = ElementSize(cpu.dtype)
            ?? throw new NotSupportedException($"{what} has dtype {cpu.dtype}, which Ppl files do not store.");
        long byteCount = cpu.NumberOfElements * elementSize;
        if (byteCount > Array.MaxLength)
        {
            throw new NotSupportedException($"{what} holds {byteCount} bytes; Ppl files store at most {Array.MaxLength} bytes per tensor.");
        }

        var shape = cpu.Shape();
        writer.Write((int)cpu.dtype);
        writer.Write(shape.Length);
        foreach (long d in shape)
        {
            writer.Write(d);
        }

        writer.Write(byteCount);
        ReadOnlySpan<byte> bytes = cpu.bytes;
        writer.Write(bytes);
    }

    /// <summary>Reads a stored tensor; <paramref name="what"/> names it in errors ("parameter 'w'").</summary>
    /// <exception cref="InvalidDataException">Unknown dtype, implausible rank, negative or overflowing sizes, a byte length that disagrees with the shape or exceeds the bytes left.</exception>
    public static StoredTensor Read(PayloadReader reader, string what)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int code = reader.ReadInt32($"the dtype of {what}");
        var dtype = (ScalarType)code;
        if (code is < sbyte.MinValue or > sbyte.MaxValue || ElementSize(dtype) is not long elementSize)
        {
            throw reader.Error($"{what} has unknown dtype code {code}.");
        }

        int rank = reader.ReadInt32($"the rank of {what}");
        if (rank is < 0 or > MaxRank)
        {
            throw reader.Error($"{what} has rank {rank}; ranks run from 0 to {MaxRank}.");
        }

        var shape = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            shape[d] = reader.ReadInt64($"the shape of {what}");
        }

        string shapeText = ShapeUtil.Format(shape);
        if (shape.Any(d => d < 0))
        {
            throw reader.Error($"{what} has a negative size in shape {shapeText}.");
        }

        // the product of the non-zero dims must fit even for an empty tensor: its strides are made from it
        long product = 1;
        foreach (long d in shape.Where(d => d != 0))
        {
            if (product > long.MaxValue / d)
            {
                throw reader.Error($"{what} has shape {shapeText}, whose size overflows 64 bits.");
            }

            product *= d;
        }

        long elements = shape.Contains(0) ? 0 : product;
        if (elements > long.MaxValue / elementSize)
        {
            throw reader.Error($"{what} has shape {shapeText} {dtype}, whose byte size overflows 64 bits.");
        }

        long expected = elements * elementSize;
        long declared = reader.ReadInt64($"the byte length of {what}");
        if (declared != expected)
        {
            throw reader.Error($"{what} of shape {shapeText} {dtype} should have {expected} bytes, the file says {declared}.");
        }

        return new StoredTensor(dtype, shape, reader.ReadBytes(declared, $"the data of {what}"));
    }

    /// <summary>A new CPU tensor holding the stored values, in the current dispose scope.</summary>
    public Tensor ToCpuTensor()
    {
        var t = torch.empty(Shape, dtype: DType, device: CPU);
        t.bytes = Bytes;
        return t;
    }

    /// <summary>Bytes per element of the dtypes Ppl files store; null for the others.</summary>
    private static long? ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => null,
    };
}
