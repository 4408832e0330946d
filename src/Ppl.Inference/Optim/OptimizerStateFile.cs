using Ppl.IO;

namespace Ppl.Inference.Optim;

/// <summary>
/// The binary format of <see cref="Optimizer.Save"/> (docs/design/file-formats.md): a checksummed
/// container (<see cref="ChecksummedFile"/>) whose payload is the optimizer's kind and step count,
/// then per parameter its name, update count and state tensors (key, <see cref="StoredTensor"/>).
/// Raw bytes rather than a text or pickle format so a resumed run sees bit-identical state;
/// written atomically, and read whole and checked before anything uses it, so a damaged file
/// fails with its path instead of producing a wrong trajectory.
/// </summary>
internal static class OptimizerStateFile
{
    /// <summary>Version 2 added the checksum; version 1 files are refused.</summary>
    internal static readonly FileKind Kind = new("PPLOPTIM", 2, "optimizer state file");

    private const int MaxNameBytes = 1 << 16;
    private const int MaxStateTensors = 64;

    internal sealed record ParameterRecord(string Name, long Step, List<(string Key, StoredTensor Value)> Tensors);

    internal sealed record Contents(string Kind, long StepCount, List<ParameterRecord> Parameters);

    /// <summary>Writes the state to <paramref name="path"/> atomically; returns the file's checksum.</summary>
    public static ulong Write(string path, string kind, long stepCount, IEnumerable<(string Name, ParameterState State)> states)
    {
        var list = states.ToList();
        return ChecksummedFile.Write(path, Kind, writer =>
        {
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
                    writer.Write(key);
                    StoredTensor.Write(writer, value, $"state '{key}' of '{name}'");
                }
            }
        });
    }

    /// <summary>Reads and checks <paramref name="path"/> whole; returns its contents and checksum.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an optimizer state file of this version, is damaged, or names a parameter or state key twice.</exception>
    public static (Contents Contents, ulong Checksum) Read(string path) => ChecksummedFile.Read(path, Kind, reader =>
    {
        string kind = reader.ReadString("the optimizer kind", MaxNameBytes);
        long stepCount = reader.ReadInt64("the step count");
        int count = reader.ReadInt32("the parameter count");
        if (stepCount < 0 || count < 0)
        {
            throw reader.Error($"negative step count {stepCount} or parameter count {count}.");
        }

        var parameters = new List<ParameterRecord>(Math.Min(count, 1024));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString($"the name of parameter #{i}", MaxNameBytes);
            if (!seen.Add(name))
            {
                throw reader.Error($"the file names parameter '{name}' twice (the second time as parameter #{i}).");
            }

            long step = reader.ReadInt64($"the update count of '{name}'");
            int tensorCount = reader.ReadInt32($"the state size of '{name}'");
            if (step < 0 || tensorCount is < 0 or > MaxStateTensors)
            {
                throw reader.Error($"parameter '{name}' has update count {step} and {tensorCount} state tensors; expected counts from 0 (at most {MaxStateTensors} tensors).");
            }

            var tensors = new List<(string, StoredTensor)>(tensorCount);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            for (int j = 0; j < tensorCount; j++)
            {
                string key = reader.ReadString($"a state key of '{name}'", MaxNameBytes);
                if (!keys.Add(key))
                {
                    throw reader.Error($"parameter '{name}' has state '{key}' twice.");
                }

                tensors.Add((key, StoredTensor.Read(reader, $"state '{key}' of '{name}'")));
            }

            parameters.Add(new ParameterRecord(name, step, tensors));
        }

        return new Contents(kind, stepCount, parameters);
    });
}
