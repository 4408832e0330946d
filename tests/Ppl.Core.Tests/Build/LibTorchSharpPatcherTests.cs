using System.Reflection;
using Ppl.Build;

namespace Ppl.Tests.Build;

/// <summary>
/// The libLibTorchSharp.so patcher (src/Ppl.Core/build/LibTorchSharpPatch.cs), run on the pristine
/// library from the NuGet package folder. See docs/design/native-loading.md.
/// </summary>
public sealed class LibTorchSharpPatcherTests : IDisposable
{
    private const ushort VerFlgWeak = 0x2;

    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-patcher-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal static string Metadata(string key)
    {
        string? value = typeof(LibTorchSharpPatcherTests).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value;
        Assert.False(string.IsNullOrEmpty(value), $"assembly metadata {key} is missing (see Build/BuildTests.targets)");
        return value!;
    }

    private string CopyOf(string metadataKey)
    {
        string source = Metadata(metadataKey);
        Assert.True(File.Exists(source), $"{source} does not exist");
        string copy = Path.Combine(_folder, Path.GetFileName(source));
        File.Copy(source, copy);
        return copy;
    }

    [Fact]
    public void Pristine_library_needs_the_patch()
    {
        string library = CopyOf("Ppl.PristineLibTorchSharp");

        Assert.True(LibTorchSharpPatcher.NeedsPatch(library));
    }

    [Fact]
    public void Patch_sets_only_the_weak_bit_of_that_one_need_and_is_idempotent()
    {
        string library = CopyOf("Ppl.PristineLibTorchSharp");
        byte[] before = File.ReadAllBytes(library);
        long offset = LibTorchSharpPatcher.FindFlagsOffset(before, library);
        Assert.True(offset > 0);

        Assert.Equal(PatchOutcome.Patched, LibTorchSharpPatcher.Patch(library));
        Assert.False(LibTorchSharpPatcher.NeedsPatch(library));
        Assert.Equal(PatchOutcome.AlreadyWeak, LibTorchSharpPatcher.Patch(library));

        byte[] after = File.ReadAllBytes(library);
        Assert.Equal(before.Length, after.Length);
        int[] changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.InRange(i, offset, offset + 1));
        ushort oldFlags = BitConverter.ToUInt16(before, (int)offset);
        ushort newFlags = BitConverter.ToUInt16(after, (int)offset);
        Assert.Equal(0, oldFlags & VerFlgWeak);
        Assert.Equal(oldFlags | VerFlgWeak, newFlags);
    }

    [Fact]
    public void Patch_replaces_a_linked_file_instead_of_writing_through_the_link()
    {
        string library = CopyOf("Ppl.PristineLibTorchSharp");
        string link = Path.Combine(_folder, "linked.so");
        File.CreateSymbolicLink(link, library);

        Assert.Equal(PatchOutcome.Patched, LibTorchSharpPatcher.Patch(link));

        Assert.True(LibTorchSharpPatcher.NeedsPatch(library));
        Assert.False(LibTorchSharpPatcher.NeedsPatch(link));
        Assert.Null(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void PatchCopy_writes_a_patched_copy_with_the_source_size_and_time()
    {
        string library = CopyOf("Ppl.PristineLibTorchSharp");
        string destination = Path.Combine(_folder, "out", "runtimes", "libLibTorchSharp.so");

        Assert.Equal(PatchOutcome.Patched, LibTorchSharpPatcher.PatchCopy(library, destination));
        Assert.Equal(PatchOutcome.Patched, LibTorchSharpPatcher.PatchCopy(library, destination)); // overwrites

        Assert.True(LibTorchSharpPatcher.NeedsPatch(library));
        Assert.False(LibTorchSharpPatcher.NeedsPatch(destination));
        Assert.Equal(new FileInfo(library).Length, new FileInfo(destination).Length);
        Assert.Equal(File.GetLastWriteTimeUtc(library), File.GetLastWriteTimeUtc(destination));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(destination)!, "*.tmp"));
    }

    [Fact]
    public void Library_without_that_need_is_not_touched()
    {
        string library = CopyOf("Ppl.PristineLibC10");
        byte[] before = File.ReadAllBytes(library);

        Assert.False(LibTorchSharpPatcher.NeedsPatch(library));
        Assert.Equal(PatchOutcome.NotNeeded, LibTorchSharpPatcher.Patch(library));
        Assert.Equal(before, File.ReadAllBytes(library));
    }

    [Fact]
    public void Minimal_elf_without_sections_is_not_needed()
    {
        string path = Path.Combine(_folder, "minimal.so");
        byte[] header = new byte[64];
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 }.CopyTo(header, 0);
        BitConverter.GetBytes((ushort)64).CopyTo(header, 0x3A); // e_shentsize; e_shnum stays 0
        File.WriteAllBytes(path, header);

        Assert.Equal(PatchOutcome.NotNeeded, LibTorchSharpPatcher.Patch(path));
    }

    [Fact]
    public void Non_elf_file_throws_with_the_path()
    {
        string path = Path.Combine(_folder, "not-elf.so");
        File.WriteAllText(path, new string('x', 200));

        var error = Assert.Throws<InvalidDataException>(() => LibTorchSharpPatcher.Patch(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_library_throws_with_the_path()
    {
        string library = CopyOf("Ppl.PristineLibTorchSharp");
        string path = Path.Combine(_folder, "truncated.so");
        File.WriteAllBytes(path, File.ReadAllBytes(library).AsSpan(0, 4096).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => LibTorchSharpPatcher.NeedsPatch(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Copy_in_this_test_output_folder_is_already_weak()
    {
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        byte[] image = File.ReadAllBytes(library);

        long offset = LibTorchSharpPatcher.FindFlagsOffset(image, library);
        Assert.True(offset > 0);
        Assert.NotEqual(0, BitConverter.ToUInt16(image, (int)offset) & VerFlgWeak);
    }
}
