using System.Text;
using Ppl.IO;

namespace Ppl.Tests.IO;

/// <summary>
/// <see cref="AtomicFile"/> replaces a file only when the new content is complete: a write that
/// throws, a full disk and a crash just before the rename all leave the old file as it was and
/// no temporary file behind.
/// </summary>
[Collection("Sequential")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ppl-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void WriteText(string path, string text) =>
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void AWriteReplacesTheWholeFileAndLeavesNothingElse()
    {
        string path = Path.Combine(_dir, "f.txt");
        WriteText(path, "a longer first version");
        WriteText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void AWriteThatThrowsKeepsTheOldFileAndDeletesTheTemporaryOne()
    {
        string path = Path.Combine(_dir, "f.txt");
        WriteText(path, "old");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("new, half written"u8);
            throw new InvalidOperationException("the writer failed");
        }));
        Assert.Equal("the writer failed", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void AFullDiskPartWayKeepsTheOldFile()
    {
        string path = Path.Combine(_dir, "f.txt");
        WriteText(path, "old");
        AtomicFile.WrapContentStreamForTests = s => new FullDiskStream(s, capacity: 5);
        try
        {
            Assert.Throws<IOException>(() => WriteText(path, "new content that does not fit"));
        }
        finally
        {
            AtomicFile.WrapContentStreamForTests = null;
        }

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void ACrashJustBeforeTheRenameKeepsTheOldFile()
    {
        string path = Path.Combine(_dir, "f.txt");
        WriteText(path, "old");
        string? seenTarget = null;
        AtomicFile.BeforeReplaceForTests = target =>
        {
            seenTarget = target;

            // the new content is complete, flushed, and beside the target under another name
            var temp = Assert.Single(Directory.GetFiles(_dir), f => f != path);
            Assert.Equal("new", File.ReadAllText(temp));
            Assert.Equal(_dir, Path.GetDirectoryName(temp));
            throw new IOException("crash (simulated)");
        };
        try
        {
            Assert.Throws<IOException>(() => WriteText(path, "new"));
        }
        finally
        {
            AtomicFile.BeforeReplaceForTests = null;
        }

        Assert.Equal(path, seenTarget);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void AFailedFirstWriteCreatesNoFile()
    {
        string path = Path.Combine(_dir, "never.txt");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException()));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void AMissingFolderIsReportedAndNothingIsCreated()
    {
        string path = Path.Combine(_dir, "missing", "f.txt");
        Assert.Throws<DirectoryNotFoundException>(() => WriteText(path, "x"));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }
}
