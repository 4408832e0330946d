using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>
/// The binary format of <see cref="Optimizer.Save"/>: a magic header, a version, the optimizer's
/// kind and step count, then per parameter its name, update count and state tensors (key, dtype,
/// shape, raw little-endian bytes), and an end marker. Raw bytes rather than a text or pickle
/// format so a resumed run sees bit-identical state; every length is checked on reading so a
/// damaged file fails with its path instead of producing a wrong trajectory.
/// </summary>
internal static class OptimizerStateFile
{
    private const string Magic = "PPLOPTIM";
    private const int Version = 1;
    private const string EndMarker = "END";

    internal sealed record TensorRecord(string Key, ScalarType DType, long[] Shape, byte[] Bytes)
    {
        /// <summary>A fresh tensor on <paramref name="device"/>, owned by the caller (outside any dispose scope).</summary>
        public Tensor ToTensor(Device device)
        {
            using var scope = NewDisposeScope();
            var t = torch.empty(Shape, dtype: DType, device: CPU);
            t.bytes = Bytes;
            return t.to(device).detach().clone().DetachFromDisposeScope();
        }
    }

    internal sealed record ParameterRecord(string Name, long Step, List<TensorRecord> Tensors);

    internal sealed record Contents(string Kind, long StepCount, List<ParameterRecord> Parameters);

    public static void Write(string path, string kind, long stepCount, IEnumerable<(string Name, ParameterState State)> states)
    {
        var list = states.ToList();
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        writer.Write(Version);
        writer.Write(kind);
        writer.Write(stepCount);
        writer.Write(list.Count);
        foreach (var (name, state) in list)
        {
            var tensors = state.Tensors.ToList();
            writer.Write(name);
            writer.Write(state.Step);
            writer.Write(tensors.Count);
            foreach (var (key, value) in tensors)
            {
                using var scope = NewDisposeScope();
                var cpu = value.detach().to(CPU).contiguous();
                writer.Write(key);
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
        }

        writer.Write(EndMarker);
    }

    public static Contents Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            var magic = Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length));
            if (magic != Magic)
            {
                throw new InvalidDataException($"{path} is not a Ppl optimizer state file (header '{magic}').");
            }

            int version = reader.ReadInt32();
            if (version != Version)
            {
                throw new InvalidDataException($"{path}: optimizer state file version {version} is not supported (expected {Version}).");
            }

            string kind = reader.ReadString();
            long stepCount = reader.ReadInt64();
            int count = reader.ReadInt32();
            if (stepCount < 0 || count < 0)
            {
                throw new InvalidDataException($"{path}: negative step count {stepCount} or parameter count {count}.");
            }

            var parameters = new List<ParameterRecord>(Math.Min(count, 1024));
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                long step = reader.ReadInt64();
                int tensorCount = reader.ReadInt32();
                if (step < 0 || tensorCount is < 0 or > 64)
                {
                    throw new InvalidDataException($"{path}: parameter '{name}' has implausible update count {step} or state size {tensorCount}.");
                }

                var tensors = new List<TensorRecord>(tensorCount);
                for (int j = 0; j < tensorCount; j++)
                {
                    tensors.Add(ReadTensor(reader, path, name));
                }

                parameters.Add(new ParameterRecord(name, step, tensors));
            }

            if (reader.ReadString() != EndMarker || stream.Position != stream.Length)
            {
                throw new InvalidDataException($"{path}: missing end marker or trailing bytes after {count} parameters.");
            }

            return new Contents(kind, stepCount, parameters);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the optimizer state file is truncated.", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: the optimizer state file is damaged ({e.Message}).", e);
        }
    }

    private static TensorRecord ReadTensor(BinaryReader reader, string path, string name)
    {
        string key = reader.ReadString();
        int dtypeCode = reader.ReadInt32();
        if (dtypeCode is < 0 or > 127 || !Enum.IsDefined(typeof(ScalarType), (sbyte)dtypeCode))
        {
            throw new InvalidDataException($"{path}: state '{key}' of '{name}' has unknown dtype code {dtypeCode}.");
        }

        var dtype = (ScalarType)dtypeCode;
        int rank = reader.ReadInt32();
        if (rank is < 0 or > 64)
        {
            throw new InvalidDataException($"{path}: state '{key}' of '{name}' has implausible rank {rank}.");
        }

        var shape = new long[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++)
        {
            shape[d] = reader.ReadInt64();
            if (shape[d] < 0)
            {
                throw new InvalidDataException($"{path}: state '{key}' of '{name}' has a negative size.");
            }

            elements = checked(elements * shape[d]);
        }

        long length = reader.ReadInt64();
        long expected = checked(elements * ElementSize(dtype));
        if (length != expected)
        {
            throw new InvalidDataException($"{path}: state '{key}' of '{name}' should have {expected} bytes, the file says {length}.");
        }

        var bytes = reader.ReadBytes(checked((int)length));
        if (bytes.Length != length)
        {
            throw new InvalidDataException($"{path}: the optimizer state file is truncated inside '{name}'.");
        }

        return new TensorRecord(key, dtype, shape, bytes);
    }

    private static long ElementSize(ScalarType dtype)
    {
        using var probe = torch.empty(0, dtype: dtype);
        return probe.ElementSize;
    }
}
