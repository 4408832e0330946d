using Ppl.Distributions;
using Ppl.IO;
using static TorchSharp.torch;

namespace Ppl.Params;

/// <summary>
/// The binary format of <see cref="ParamStore.Save"/> (docs/design/file-formats.md): a
/// checksummed container (<see cref="ChecksummedFile"/>) whose payload is a count, then per
/// parameter its name, constraint, event dim and value (<see cref="StoredTensor"/>). Written
/// atomically; read whole and checked before anything uses it.
/// </summary>
internal static class ParamStoreFile
{
    /// <summary>Version 2 added the checksum; version 1 files are refused.</summary>
    internal static readonly FileKind Kind = new("PPLPARAM", 2, "parameter file");

    private const int MaxNameBytes = 1 << 16;
    private const int MaxConstraintBytes = 1 << 12;

    internal sealed record Record(string Name, Constraint Constraint, int EventDim, StoredTensor Value);

    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/> atomically; returns the file's checksum.</summary>
    /// <exception cref="NotSupportedException">A constraint cannot be read back from its text (tensor bounds), or a value's dtype cannot be stored; the old file is kept.</exception>
    public static ulong Write(string path, IEnumerable<(string Name, Constraint Constraint, int EventDim, Tensor Value)> entries)
    {
        var list = entries.ToList();
        foreach (var (name, constraint, _, _) in list)
        {
            CheckRoundTrips(name, constraint);
        }

        return ChecksummedFile.Write(path, Kind, writer =>
        {
            writer.Write(list.Count);
            foreach (var (name, constraint, eventDim, value) in list)
            {
                writer.Write(name);
                writer.Write(constraint.ToString());
                writer.Write(eventDim);
                StoredTensor.Write(writer, value, $"parameter '{name}'");
            }
        });
    }

    /// <summary>Reads and checks <paramref name="path"/> whole; returns its records and checksum.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a parameter file of this version, is damaged, or names a parameter twice.</exception>
    public static (List<Record> Records, ulong Checksum) Read(string path) => ChecksummedFile.Read(path, Kind, reader =>
    {
        int count = reader.ReadInt32("the parameter count");
        if (count < 0)
        {
            throw reader.Error($"negative parameter count {count}.");
        }

        var records = new List<Record>(Math.Min(count, 1024));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString($"the name of parameter #{i}", MaxNameBytes);
            if (!seen.Add(name))
            {
                throw reader.Error($"the file names parameter '{name}' twice (the second time as parameter #{i}).");
            }

            var constraint = ReadConstraint(reader, name);
            int eventDim = reader.ReadInt32($"the event dim of parameter '{name}'");
            if (eventDim is < 0 or > StoredTensor.MaxRank)
            {
                throw reader.Error($"parameter '{name}' has event dim {eventDim}.");
            }

            records.Add(new Record(name, constraint, eventDim, StoredTensor.Read(reader, $"parameter '{name}'")));
        }

        return records;
    });

    private static Constraint ReadConstraint(PayloadReader reader, string name)
    {
        string text = reader.ReadString($"the constraint of parameter '{name}'", MaxConstraintBytes);
        try
        {
            return Constraints.Parse(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw reader.Error($"parameter '{name}' has constraint '{text}', which is not one Ppl knows ({e.Message}).", e);
        }
    }

    private static void CheckRoundTrips(string name, Constraint constraint)
    {
        string text = constraint.ToString();
        Constraint? parsed;
        try
        {
            parsed = Constraints.Parse(text);
        }
        catch (FormatException)
        {
            parsed = null;
        }

        if (!constraint.Equals(parsed))
        {
            throw new NotSupportedException(
                $"ParamStore.Save: parameter '{name}' has constraint {text}, which a file cannot hold (only constraints with number bounds are read back); nothing was written.");
        }
    }
}
