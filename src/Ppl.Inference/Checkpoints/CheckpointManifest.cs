using Ppl.IO;

namespace Ppl.Inference.Checkpoints;

/// <summary>
/// The file that makes a checkpoint folder one unit (docs/design/file-formats.md): the step
/// count, and the names and checksums of the parameter and optimizer files that belong together.
/// It is written last and atomically, so it names either the previous complete set or the new
/// one; files it does not name are ignored.
/// </summary>
internal sealed record CheckpointManifest(long StepCount, CheckpointMember Params, CheckpointMember Optimizer)
{
    /// <summary>The manifest's file name inside a checkpoint folder.</summary>
    public const string FileName = "manifest.bin";

    internal static readonly FileKind Kind = new("PPLCHKPT", 1, "checkpoint manifest");

    private const int MaxFileNameBytes = 1 << 10;

    /// <summary>Writes the manifest atomically; returns its checksum.</summary>
    public ulong Write(string path) => ChecksummedFile.Write(path, Kind, writer =>
    {
        writer.Write(StepCount);
        foreach (var member in (CheckpointMember[])[Params, Optimizer])
        {
            writer.Write(member.FileName);
            writer.Write(member.Checksum);
        }
    });

    /// <summary>Reads and checks a manifest; returns it and its checksum.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The manifest is damaged, or names a file outside its folder.</exception>
    public static (CheckpointManifest Manifest, ulong Checksum) Read(string path) => ChecksummedFile.Read(path, Kind, reader =>
    {
        long stepCount = reader.ReadInt64("the step count");
        if (stepCount < 0)
        {
            throw reader.Error($"negative step count {stepCount}.");
        }

        return new CheckpointManifest(stepCount, ReadMember(reader, "parameter file"), ReadMember(reader, "optimizer state file"));
    });

    private static CheckpointMember ReadMember(PayloadReader reader, string what)
    {
        string name = reader.ReadString($"the name of the {what}", MaxFileNameBytes);

        // a plain file name in the checkpoint's own folder: a manifest cannot point elsewhere
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0 || name != Path.GetFileName(name))
        {
            throw reader.Error($"the {what} is named '{name}', which is not a file name inside the checkpoint folder.");
        }

        return new CheckpointMember(name, reader.ReadUInt64($"the checksum of the {what}"));
    }
}
