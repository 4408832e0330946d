using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Ppl.IO;

/// <summary>
/// The container every Ppl binary file uses (docs/design/file-formats.md): magic (8 ASCII
/// bytes) · version (int32) · payload · payload length (int64) · CRC-64 (uint64) of every byte
/// before it, all little-endian. Files are written through <see cref="AtomicFile"/>; reading
/// checks the header, the length and the checksum before the payload is parsed, so a damaged
/// file is reported as damaged rather than by whatever field the damage happened to hit.
/// </summary>
internal static class ChecksummedFile
{
    /// <summary>Magic and version.</summary>
    public const int HeaderLength = 12;

    /// <summary>Payload length and checksum.</summary>
    public const int TrailerLength = 16;

    /// <summary>UTF-8 that refuses to write what it could not read back (lone surrogates).</summary>
    internal static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Atomically writes <paramref name="path"/> as a <paramref name="kind"/> file whose payload is
    /// what <paramref name="writePayload"/> writes; returns the checksum stored in its trailer.
    /// </summary>
    public static ulong Write(string path, FileKind kind, Action<BinaryWriter> writePayload)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(writePayload);
        ulong checksum = 0;
        AtomicFile.Write(path, stream =>
        {
            var crc = new Crc64();
            using (var hashing = new Crc64WriteStream(stream, crc))
            using (var writer = new BinaryWriter(hashing, Utf8, leaveOpen: true))
            {
                writer.Write(Encoding.ASCII.GetBytes(kind.Magic));
                writer.Write(kind.Version);
                writePayload(writer);
                writer.Flush();
                writer.Write(hashing.BytesWritten - HeaderLength);
                writer.Flush();
            }

            checksum = crc.GetCurrentHashAsUInt64();
            Span<byte> trailer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(trailer, checksum);
            stream.Write(trailer);
        });
        return checksum;
    }

    /// <summary>
    /// Reads <paramref name="path"/> as a <paramref name="kind"/> file: checks header, length and
    /// checksum, then hands the payload to <paramref name="parse"/>, which must read all of it.
    /// Returns what <paramref name="parse"/> returned and the file's checksum.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a <paramref name="kind"/> file of this version, or is damaged; the message starts with the path.</exception>
    public static (T Value, ulong Checksum) Read<T>(string path, FileKind kind, Func<PayloadReader, T> parse)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(parse);
        using var stream = AtomicFile.OpenRead(path);
        try
        {
            return Read(stream, path, kind, parse);
        }
        catch (EndOfStreamException e)
        {
            // only when the file shrinks while it is read: Read checks every length first
            throw new InvalidDataException($"{path}: the {kind.Description} ended while it was read; is something else writing it?", e);
        }
    }

    private static (T Value, ulong Checksum) Read<T>(FileStream stream, string path, FileKind kind, Func<PayloadReader, T> parse)
    {
        long length = stream.Length;
        CheckHeader(stream, length, path, kind);
        if (length < HeaderLength + TrailerLength)
        {
            throw new InvalidDataException($"{path}: the {kind.Description} is truncated ({length} bytes; the smallest possible one has {HeaderLength + TrailerLength}).");
        }

        long payloadLength = length - HeaderLength - TrailerLength;
        stream.Position = length - TrailerLength;
        Span<byte> trailer = stackalloc byte[TrailerLength];
        stream.ReadExactly(trailer);
        long declared = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(trailer[8..]);
        if (declared != payloadLength)
        {
            throw new InvalidDataException(
                $"{path}: the {kind.Description} is truncated, extended or damaged: its trailer records {declared} payload bytes but the file holds {payloadLength}.");
        }

        ulong actual = ChecksumOfAllBut(stream, length - 8);
        if (actual != stored)
        {
            throw new InvalidDataException(
                $"{path}: checksum mismatch, the {kind.Description} is damaged (stored CRC-64 0x{stored:X16}, computed 0x{actual:X16}).");
        }

        stream.Position = HeaderLength;
        var reader = new PayloadReader(stream, HeaderLength, HeaderLength + payloadLength, path, kind.Description);
        T value;
        try
        {
            value = parse(reader);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            // a checksum-valid file that still does not parse was written wrong or crafted
            throw new InvalidDataException($"{path}: the {kind.Description} is invalid ({e.Message}).", e);
        }

        reader.ExpectEnd();
        return (value, stored);
    }

    private static void CheckHeader(FileStream stream, long length, string path, FileKind kind)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        int read = stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        var magic = Encoding.ASCII.GetBytes(kind.Magic);
        if (read < magic.Length || !header[..magic.Length].SequenceEqual(magic))
        {
            throw new InvalidDataException($"{path} is not a Ppl {kind.Description}: it does not start with '{kind.Magic}'.");
        }

        if (read < HeaderLength)
        {
            throw new InvalidDataException($"{path}: the {kind.Description} is truncated ({length} bytes) inside its header.");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header[magic.Length..]);
        if (version == kind.Version)
        {
            return;
        }

        throw new InvalidDataException(version switch
        {
            1 => $"{path}: {kind.Description} version 1 has no checksum, so damage to it cannot be detected; this Ppl reads only version {kind.Version} (re-create the file with this Ppl).",
            _ when version > kind.Version => $"{path}: {kind.Description} version {version} was written by a newer Ppl; this one reads version {kind.Version}.",
            _ => $"{path}: {kind.Description} version {version} is not supported; this Ppl reads version {kind.Version}.",
        });
    }

    private static ulong ChecksumOfAllBut(FileStream stream, long count)
    {
        var crc = new Crc64();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            stream.Position = 0;
            for (long left = count; left > 0;)
            {
                int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                crc.Append(buffer.AsSpan(0, n));
                left -= n;
            }

            return crc.GetCurrentHashAsUInt64();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
