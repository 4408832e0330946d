// Shared by the MSBuild task below (compiled by RoslynCodeTaskFactory at build time) and by the
// unit tests (compiled with PPL_PATCHER_ONLY). See docs/design/native-loading.md for why it exists.
// Kept to what RoslynCodeTaskFactory can compile (netstandard2.0 reference assemblies).
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Ppl.Build
{
    /// <summary>What <see cref="LibTorchSharpPatcher.Patch"/> did to one file.</summary>
    public enum PatchOutcome
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Patched,

        /// <summary>The version need was already weak (an earlier build patched it).</summary>
        AlreadyWeak,

        /// <summary>The file does not ask for the version at all (another TorchSharp build).</summary>
        NotNeeded,
    }

    /// <summary>
    /// Marks libLibTorchSharp.so's need for <c>GLIBCXX_3.4.32</c> as weak (VER_FLG_WEAK) so the
    /// dynamic loader accepts a libstdc++ that lacks that version. The need covers one symbol,
    /// <c>_ZSt21ios_base_library_initv</c>, a link anchor that is never called.
    /// </summary>
    public static class LibTorchSharpPatcher
    {
        /// <summary>The version whose need is made weak.</summary>
        public const string VersionName = "GLIBCXX_3.4.32";

        /// <summary>ELF hash of <see cref="VersionName"/>; checked so only that entry is touched.</summary>
        public const uint VersionHash = 0x0297f842;

        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>
        /// Patches the file when needed; idempotent. The patched image is written next to the file
        /// and renamed over it, so a hard link or symbolic link into the NuGet package folder is
        /// replaced rather than written through.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF or its tables are inconsistent.</exception>
        public static PatchOutcome Patch(string path)
        {
            byte[] image = File.ReadAllBytes(path);
            PatchOutcome outcome = PatchImage(image, path);
            if (outcome == PatchOutcome.Patched)
            {
                string temporary = path + ".ppl-patch.tmp";
                try
                {
                    File.Copy(path, temporary, overwrite: true); // keeps the permission bits
                    File.WriteAllBytes(temporary, image);
                    File.Replace(temporary, path, destinationBackupFileName: null);
                }
                finally
                {
                    File.Delete(temporary);
                }
            }

            return outcome;
        }

        /// <summary>
        /// Writes a patched copy of <paramref name="source"/> to <paramref name="destination"/>
        /// (a plain copy when there is nothing to patch) and gives it the source's last-write time,
        /// so incremental copies that compare size and time treat the two as the same file.
        /// </summary>
        /// <exception cref="InvalidDataException">The source is not a 64-bit little-endian ELF or its tables are inconsistent.</exception>
        public static PatchOutcome PatchCopy(string source, string destination)
        {
            byte[] image = File.ReadAllBytes(source);
            PatchOutcome outcome = PatchImage(image, source);
            string? folder = Path.GetDirectoryName(Path.GetFullPath(destination));
            if (folder != null)
            {
                Directory.CreateDirectory(folder);
            }

            string temporary = destination + ".ppl-patch.tmp";
            try
            {
                File.WriteAllBytes(temporary, image);
                File.SetLastWriteTimeUtc(temporary, File.GetLastWriteTimeUtc(source));
                if (File.Exists(destination))
                {
                    File.Replace(temporary, destination, destinationBackupFileName: null);
                }
                else
                {
                    File.Move(temporary, destination);
                }
            }
            finally
            {
                File.Delete(temporary);
            }

            return outcome;
        }

        /// <summary>Sets the weak flag in an in-memory image of the file; idempotent.</summary>
        /// <exception cref="InvalidDataException">The image is not a 64-bit little-endian ELF or its tables are inconsistent.</exception>
        public static PatchOutcome PatchImage(byte[] image, string pathForErrors)
        {
            long flagsOffset = FindFlagsOffset(image, pathForErrors);
            if (flagsOffset < 0)
            {
                return PatchOutcome.NotNeeded;
            }

            ushort flags = BitConverter.ToUInt16(image, (int)flagsOffset);
            if ((flags & VerFlgWeak) != 0)
            {
                return PatchOutcome.AlreadyWeak;
            }

            byte[] newFlags = BitConverter.GetBytes((ushort)(flags | VerFlgWeak));
            Array.Copy(newFlags, 0, image, flagsOffset, newFlags.Length);
            return PatchOutcome.Patched;
        }

        /// <summary>True when the file asks for <see cref="VersionName"/> with a strong (non-weak) need.</summary>
        public static bool NeedsPatch(string path)
        {
            byte[] image = File.ReadAllBytes(path);
            long offset = FindFlagsOffset(image, path);
            return offset >= 0 && (BitConverter.ToUInt16(image, (int)offset) & VerFlgWeak) == 0;
        }

        /// <summary>
        /// Returns the file offset of <c>vna_flags</c> of the vernaux entry for
        /// <see cref="VersionName"/>, or -1 when the file has no such entry.
        /// </summary>
        public static long FindFlagsOffset(byte[] image, string pathForErrors)
        {
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            {
                throw new InvalidDataException($"{pathForErrors}: not an ELF file.");
            }

            if (image[4] != 2 || image[5] != 1)
            {
                throw new InvalidDataException($"{pathForErrors}: only 64-bit little-endian ELF is supported (class {image[4]}, data {image[5]}).");
            }

            ulong sectionTable = U64(image, 0x28, pathForErrors);
            ushort entrySize = U16(image, 0x3A, pathForErrors);
            ushort sectionCount = U16(image, 0x3C, pathForErrors);
            if (entrySize < 64)
            {
                throw new InvalidDataException($"{pathForErrors}: section header size {entrySize} is smaller than an Elf64_Shdr.");
            }

            for (int i = 0; i < sectionCount; i++)
            {
                long header = checked((long)sectionTable + ((long)i * entrySize));
                if (U32(image, header + 4, pathForErrors) != ShtGnuVerneed)
                {
                    continue;
                }

                long tableOffset = (long)U64(image, header + 0x18, pathForErrors);
                uint linkedStrings = U32(image, header + 0x28, pathForErrors);
                uint needCount = U32(image, header + 0x2C, pathForErrors); // sh_info = number of Verneed entries
                long stringsHeader = checked((long)sectionTable + ((long)linkedStrings * entrySize));
                long stringsOffset = (long)U64(image, stringsHeader + 0x18, pathForErrors);
                return ScanNeeds(image, tableOffset, needCount, stringsOffset, pathForErrors);
            }

            return -1;
        }

        private static long ScanNeeds(byte[] image, long need, uint needCount, long strings, string path)
        {
            var seen = new HashSet<long>();
            for (uint n = 0; n < needCount; n++)
            {
                if (!seen.Add(need))
                {
                    throw new InvalidDataException($"{path}: .gnu.version_r has a cycle at offset {need}.");
                }

                ushort auxCount = U16(image, need + 2, path);
                long aux = need + U32(image, need + 8, path);
                for (int a = 0; a < auxCount; a++)
                {
                    uint hash = U32(image, aux, path);
                    string name = CString(image, strings + U32(image, aux + 8, path), path);
                    if (hash == VersionHash && name == VersionName)
                    {
                        return aux + 4;
                    }

                    aux += U32(image, aux + 12, path);
                }

                uint next = U32(image, need + 12, path);
                if (next == 0)
                {
                    break;
                }

                need += next;
            }

            return -1;
        }

        private static void Check(byte[] image, long offset, int size, string path)
        {
            if (offset < 0 || offset + size > image.Length)
            {
                throw new InvalidDataException($"{path}: ELF table points outside the file (offset {offset}, file size {image.Length}).");
            }
        }

        private static ushort U16(byte[] image, long offset, string path)
        {
            Check(image, offset, 2, path);
            return BitConverter.ToUInt16(image, (int)offset);
        }

        private static uint U32(byte[] image, long offset, string path)
        {
            Check(image, offset, 4, path);
            return BitConverter.ToUInt32(image, (int)offset);
        }

        private static ulong U64(byte[] image, long offset, string path)
        {
            Check(image, offset, 8, path);
            return BitConverter.ToUInt64(image, (int)offset);
        }

        private static string CString(byte[] image, long offset, string path)
        {
            Check(image, offset, 1, path);
            long end = offset;
            while (end < image.Length && image[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(image, (int)offset, (int)(end - offset));
        }
    }

#if !PPL_PATCHER_ONLY
    /// <summary>
    /// MSBuild task with two modes: patch in place every libLibTorchSharp.so below
    /// <see cref="Directories"/> (output and publish folders), and/or write patched copies of
    /// <see cref="SourceFiles"/> to the matching <see cref="DestinationFiles"/>.
    /// </summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        /// <summary>Folders to search recursively and patch in place (output, publish).</summary>
        public Microsoft.Build.Framework.ITaskItem[] Directories { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Pristine libraries to copy (for example from the NuGet package folder).</summary>
        public Microsoft.Build.Framework.ITaskItem[] SourceFiles { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Where the patched copies of <see cref="SourceFiles"/> go, one per source.</summary>
        public Microsoft.Build.Framework.ITaskItem[] DestinationFiles { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            if (SourceFiles.Length != DestinationFiles.Length)
            {
                Log.LogError($"Ppl: {SourceFiles.Length} source files but {DestinationFiles.Length} destination files.");
                return false;
            }

            for (int i = 0; i < SourceFiles.Length; i++)
            {
                string source = SourceFiles[i].GetMetadata("FullPath");
                string destination = DestinationFiles[i].GetMetadata("FullPath");
                Run(source, () => LibTorchSharpPatcher.PatchCopy(source, destination), $"{source} -> {destination}");
            }

            foreach (var item in Directories)
            {
                string root = item.GetMetadata("FullPath");
                if (!Directory.Exists(root))
                {
                    continue;
                }

                foreach (string file in Directory.EnumerateFiles(root, "libLibTorchSharp.so", SearchOption.AllDirectories))
                {
                    Run(file, () => LibTorchSharpPatcher.Patch(file), file);
                }
            }

            return !Log.HasLoggedErrors;
        }

        private void Run(string file, Func<PatchOutcome> patch, string description)
        {
            try
            {
                PatchOutcome outcome = patch();
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"Ppl: {outcome} {description}");
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError($"Ppl: could not patch {file}: {e.Message}");
            }
        }
    }
#endif
}
