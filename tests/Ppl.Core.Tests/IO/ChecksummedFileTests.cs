using System.IO.Hashing;
using Ppl.IO;

namespace Ppl.Tests.IO;

/// <summary>
/// The container of every Ppl file: the documented checksum algorithm, and rejection of
/// truncated, extended and foreign files with the path in the message.
/// </summary>
[Collection("Sequential")]
public sealed class ChecksummedFileTests : IDisposable
{
    private static readonly FileKind Numbers = new("PPLTESTS", 3, "test file");
    private readonly string _dir = Directory.CreateTempSubdirectory("ppl-checksummed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static long[] ReadNumbers(string path) => ChecksummedFile.Read(path, Numbers, r =>
    {
        int n = r.ReadInt32("the count");
        return Enumerable.Range(0, n).Select(i => r.ReadInt64($"number #{i}")).ToArray();
    }).Value;

    private string WriteNumbers(params long[] numbers)
    {
        string path = Path.Combine(_dir, "numbers.bin");
        ChecksummedFile.Write(path, Numbers, w =>
        {
            w.Write(numbers.Length);
            foreach (long x in numbers)
            {
                w.Write(x);
            }
        });
        return path;
    }

    [Fact]
    public void TheChecksumIsCrc64Ecma182AsDocumented()
    {
        // the catalogue check value of CRC-64/ECMA-182 (poly 0x42F0E1EBA9EA3693, init 0, not reflected, no final xor)
        Assert.Equal(0x6C40DF5F0B497347UL, Crc64.HashToUInt64("123456789"u8));
    }

    [Fact]
    public void TheLayoutIsHeaderPayloadLengthAndChecksum()
    {
        string path = WriteNumbers(5, -7);
        var expected = PplFileBuilder.Container("PPLTESTS", 3, w =>
        {
            w.Write(2);
            w.Write(5L);
            w.Write(-7L);
        });
        Assert.Equal(expected, File.ReadAllBytes(path));
        Assert.Equal([5L, -7L], ReadNumbers(path));
    }

    [Fact]
    public void EveryTruncationAndAnAppendedByteAreRejected()
    {
        string path = WriteNumbers(1, 2, 3);
        var good = File.ReadAllBytes(path);
        string damaged = Path.Combine(_dir, "damaged.bin");
        var failures = new List<string>();
        for (int length = 0; length <= good.Length + 1; length++)
        {
            if (length == good.Length)
            {
                continue;
            }

            File.WriteAllBytes(damaged, length < good.Length ? good[..length] : [.. good, 0]);
            var e = Record.Exception(() => ReadNumbers(damaged));
            if (e is not InvalidDataException || !e.Message.Contains(damaged, StringComparison.Ordinal))
            {
                failures.Add($"length {length}: {(e is null ? "read silently" : e.GetType().Name + ": " + e.Message)}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void AFileOfAnotherKindOrANewerVersionIsRejectedByName()
    {
        string path = Path.Combine(_dir, "other.bin");
        File.WriteAllBytes(path, PplFileBuilder.Container("PPLOTHER", 3, w => w.Write(0)));
        var e = Assert.Throws<InvalidDataException>(() => ReadNumbers(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not a Ppl test file", e.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, PplFileBuilder.Container("PPLTESTS", 4, w => w.Write(0)));
        e = Assert.Throws<InvalidDataException>(() => ReadNumbers(path));
        Assert.Contains("version 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("newer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APayloadTheParserDoesNotConsumeIsRejected()
    {
        string path = Path.Combine(_dir, "extra.bin");
        File.WriteAllBytes(path, PplFileBuilder.Container("PPLTESTS", 3, w =>
        {
            w.Write(1);
            w.Write(9L);
            w.Write((byte)0);
        }));
        var e = Assert.Throws<InvalidDataException>(() => ReadNumbers(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileIsFileNotFoundNamingThePath()
    {
        string path = Path.Combine(_dir, "absent.bin");
        var e = Assert.Throws<FileNotFoundException>(() => ReadNumbers(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
