using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Ppl.Testing;

/// <summary>
/// Builds Ppl's binary files byte by byte from the layout in docs/design/file-formats.md,
/// independently of the library's writers, so tests can craft files the writers never produce
/// (duplicate names, absurd sizes) with a valid checksum, and check the writers against the
/// documented layout.
/// </summary>
public static class PplFileBuilder
{
    /// <summary>
    /// magic (8 ASCII bytes) · version (int32) · payload · payload length (int64) · CRC-64 of
    /// everything before it (uint64); all little-endian.
    /// </summary>
    public static byte[] Container(string magic, int version, Action<BinaryWriter> payload)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Encoding.ASCII.GetBytes(magic));
            w.Write(version);
            long start = body.Position;
            payload(w);
            w.Flush();
            w.Write(body.Position - start);
        }

        var bytes = body.ToArray();
        var result = new byte[bytes.Length + 8];
        bytes.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(bytes.Length), Crc64.HashToUInt64(bytes));
        return result;
    }

    /// <summary>A tensor: dtype code (int32) · rank (int32) · dims (int64 each) · byte length (int64) · raw bytes.</summary>
    public static void Tensor(BinaryWriter w, TorchSharp.torch.ScalarType dtype, long[] shape, long declaredBytes, byte[] data)
    {
        w.Write((int)dtype);
        w.Write(shape.Length);
        foreach (long d in shape)
        {
            w.Write(d);
        }

        w.Write(declaredBytes);
        w.Write(data);
    }

    /// <summary>A float64 tensor of <paramref name="values"/>.</summary>
    public static void Float64Tensor(BinaryWriter w, double[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), values[i]);
        }

        Tensor(w, TorchSharp.torch.ScalarType.Float64, [values.Length], data.Length, data);
    }

    /// <summary>One parameter record of a parameter file: name · constraint · event dim (int32) · tensor.</summary>
    public static void Parameter(BinaryWriter w, string name, string constraint, int eventDim, double[] values)
    {
        w.Write(name);
        w.Write(constraint);
        w.Write(eventDim);
        Float64Tensor(w, values);
    }

    /// <summary>A parameter file (magic PPLPARAM, version 2): count (int32) · records.</summary>
    public static byte[] ParamFile(int count, Action<BinaryWriter> records) =>
        Container("PPLPARAM", 2, w =>
        {
            w.Write(count);
            records(w);
        });

    /// <summary>
    /// An optimizer state file (magic PPLOPTIM, version 2): kind · step count (int64) · parameter
    /// count (int32) · per parameter: name · update count (int64) · state count (int32) · per
    /// state: key · tensor.
    /// </summary>
    public static byte[] OptimizerFile(string kind, long stepCount, int count, Action<BinaryWriter> parameters) =>
        Container("PPLOPTIM", 2, w =>
        {
            w.Write(kind);
            w.Write(stepCount);
            w.Write(count);
            parameters(w);
        });
}
