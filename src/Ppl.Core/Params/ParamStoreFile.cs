using System.Text;
using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Params;

/// <summary>
/// The binary format of <see cref="ParamStore.Save"/>: a magic header, a count, then per
/// parameter its name, constraint, event dim, dtype, shape and raw little-endian bytes, and an
/// end marker. Every length is checked on reading, so a damaged file fails with its path and
/// the point of failure rather than producing wrong parameters.
/// </summary>
internal static class ParamStoreFile
{
    private const string Magic = "PPLPARAM";
    private const int Version = 1;
    private const string EndMarker = "END";

    internal sealed record Record(string Name, Constraint Constraint, int EventDim, ScalarType DType, long[] Shape, byte[] Bytes)
    {
        public Tensor ToTensor()
        {
            var t = torch.empty(Shape, dtype: DType, device: CPU);
            t.bytes = Bytes;
            return t;
        }
    }

    public static void Write(string path, IEnumerable<(string Name, Constraint Constraint, int EventDim, Tensor Value)> entries)
    {
        var list = entries.ToList();
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        writer.Write(Version);
        writer.Write(list.Count);
        foreach (var (name, constraint, eventDim, value) in list)
        {
            using var scope = NewDisposeScope();
            var cpu = value.detach().to(CPU).contiguous();
            writer.Write(name);
            writer.Write(constraint.ToString());
            writer.Write(eventDim);
            writer.Write((int)cpu.dtype);
            writer.Write(cpu.Shape().Length);
            foreach (long d in cpu.Shape())
            {
                writer.Write(d);
            }

            var bytes = cpu.bytes;
            writer.Write((long)bytes.Length);
            writer.Write(bytes);
        }

        writer.Write(EndMarker);
    }

    public static List<Record> Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            var magic = Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length));
            if (magic != Magic)
            {
                throw new InvalidDataException($"{path} is not a Ppl parameter file (header '{magic}').");
            }

            int version = reader.ReadInt32();
            if (version != Version)
            {
                throw new InvalidDataException($"{path}: parameter file version {version} is not supported (expected {Version}).");
            }

            int count = reader.ReadInt32();
            if (count < 0)
            {
                throw new InvalidDataException($"{path}: negative parameter count {count}.");
            }

            var records = new List<Record>(Math.Min(count, 1024));
            for (int i = 0; i < count; i++)
            {
                records.Add(ReadRecord(reader, path, i));
            }

            if (reader.ReadString() != EndMarker || stream.Position != stream.Length)
            {
                throw new InvalidDataException($"{path}: missing end marker or trailing bytes after {count} parameters.");
            }

            return records;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the parameter file is truncated.", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: the parameter file is damaged ({e.Message}).", e);
        }
    }

    private static Record ReadRecord(BinaryReader reader, string path, int index)
    {
        string name = reader.ReadString();
        var constraint = Constraints.Parse(reader.ReadString());
        int eventDim = reader.ReadInt32();
        int dtypeCode = reader.ReadInt32();
        if (!Enum.IsDefined(typeof(ScalarType), (sbyte)dtypeCode) || dtypeCode is < 0 or > 127)
        {
            throw new InvalidDataException($"{path}: parameter #{index} '{name}' has unknown dtype code {dtypeCode}.");
        }

        var dtype = (ScalarType)dtypeCode;
        int rank = reader.ReadInt32();
        if (rank is < 0 or > 64)
        {
            throw new InvalidDataException($"{path}: parameter '{name}' has implausible rank {rank}.");
        }

        var shape = new long[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++)
        {
            shape[d] = reader.ReadInt64();
            if (shape[d] < 0)
            {
                throw new InvalidDataException($"{path}: parameter '{name}' has negative size in shape {ShapeUtil.Format(shape)}.");
            }

            elements = checked(elements * shape[d]);
        }

        long length = reader.ReadInt64();
        long expected = checked(elements * ElementSize(dtype));
        if (length != expected)
        {
            throw new InvalidDataException(
                $"{path}: parameter '{name}' of shape {ShapeUtil.Format(shape)} {dtype} should have {expected} bytes, the file says {length}.");
        }

        var bytes = reader.ReadBytes(checked((int)length));
        if (bytes.Length != length)
        {
            throw new InvalidDataException($"{path}: the parameter file is truncated inside '{name}'.");
        }

        return new Record(name, constraint, eventDim, dtype, shape, bytes);
    }

    private static long ElementSize(ScalarType dtype)
    {
        using var probe = torch.empty(0, dtype: dtype);
        return probe.ElementSize;
    }
}
