using Ppl.Inference.Optim;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Inference.Checkpoints;

/// <summary>
/// A checkpoint folder saved and loaded as one unit. A save writes the parameter and optimizer
/// files under names no earlier save used, then switches to them by atomically replacing the
/// manifest that names them, then deletes the files of the set it replaced: a crash at any point
/// leaves the manifest naming either the previous complete set or the new one. A load reads the
/// manifest, reads and checks both files it names (their checksums must be the ones it records),
/// and only then applies parameters, optimizer state and step count.
/// </summary>
internal static class CheckpointFolder
{
    // a load retries when a concurrent save switched sets and deleted the files it was about to read
    private const int LoadAttempts = 3;

    /// <summary>Saves <paramref name="store"/>, <paramref name="optimizer"/> and <paramref name="stepCount"/> as a checkpoint in <paramref name="directory"/>.</summary>
    public static void Save(string directory, ParamStore store, Optimizer optimizer, long stepCount)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        string manifestPath = Path.Combine(directory, CheckpointManifest.FileName);
        var previous = TryReadManifest(manifestPath);
        string token = Guid.NewGuid().ToString("N")[..16];
        var parameters = $"params-{token}.bin";
        var state = $"optimizer-{token}.bin";
        try
        {
            ulong parametersChecksum = store.SaveWithChecksum(Path.Combine(directory, parameters));
            ulong stateChecksum = optimizer.SaveWithChecksum(Path.Combine(directory, state));
            new CheckpointManifest(stepCount, new CheckpointMember(parameters, parametersChecksum), new CheckpointMember(state, stateChecksum))
                .Write(manifestPath);
        }
        catch
        {
            // the manifest still names the previous set: what this save wrote is garbage
            TryDelete(Path.Combine(directory, parameters));
            TryDelete(Path.Combine(directory, state));
            throw;
        }

        if (previous is not null)
        {
            TryDelete(Path.Combine(directory, previous.Params.FileName));
            TryDelete(Path.Combine(directory, previous.Optimizer.FileName));
        }
    }

    /// <summary>
    /// Loads the checkpoint in <paramref name="directory"/> into <paramref name="store"/> and
    /// <paramref name="optimizer"/> and returns its step count; on any error neither is changed.
    /// </summary>
    public static long Load(string directory, ParamStore store, Optimizer optimizer, Device? device)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string manifestPath = Path.Combine(directory, CheckpointManifest.FileName);
        for (int attempt = 1; ; attempt++)
        {
            var (manifest, manifestChecksum) = ReadManifest(manifestPath, directory);
            try
            {
                using var parameters = store.PrepareLoad(Path.Combine(directory, manifest.Params.FileName), device);
                CheckBelongs(parameters.Path, parameters.Checksum, manifest.Params, manifestPath);
                using var state = optimizer.PrepareLoad(Path.Combine(directory, manifest.Optimizer.FileName), device);
                CheckBelongs(state.Path, state.Checksum, manifest.Optimizer, manifestPath);

                store.Commit(parameters);
                optimizer.Commit(state);
                return manifest.StepCount;
            }
            catch (FileNotFoundException) when (attempt < LoadAttempts && ManifestChanged(manifestPath, manifestChecksum))
            {
                // a concurrent save switched to a new set and deleted this one: read the new set
            }
        }
    }

    private static (CheckpointManifest Manifest, ulong Checksum) ReadManifest(string manifestPath, string directory)
    {
        try
        {
            return CheckpointManifest.Read(manifestPath);
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            bool legacy = File.Exists(Path.Combine(directory, "svi.txt"));
            throw new FileNotFoundException(
                $"{manifestPath} does not exist: {directory} holds no checkpoint written by SaveCheckpoint"
                + (legacy ? " (its params.bin, optimizer.bin and svi.txt are a checkpoint of the format before checksums, which this Ppl does not read)." : "."),
                manifestPath,
                e);
        }
    }

    private static void CheckBelongs(string path, ulong checksum, CheckpointMember member, string manifestPath)
    {
        if (checksum != member.Checksum)
        {
            throw new InvalidDataException(
                $"{path}: this file does not belong to the checkpoint {manifestPath} (its checksum is 0x{checksum:X16}, the manifest records 0x{member.Checksum:X16}).");
        }
    }

    private static CheckpointManifest? TryReadManifest(string manifestPath)
    {
        try
        {
            return CheckpointManifest.Read(manifestPath).Manifest;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null; // no previous checkpoint, or one we cannot trust: delete nothing
        }
    }

    private static bool ManifestChanged(string manifestPath, ulong checksum)
    {
        try
        {
            return CheckpointManifest.Read(manifestPath).Checksum != checksum;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a file no manifest names is harmless; the save itself succeeded or failed already
        }
    }
}
