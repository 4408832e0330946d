using System.Buffers.Binary;
using System.Text;

namespace Ppl.IO;

/// <summary>
/// Reads the payload of a checksummed file (see <see cref="ChecksummedFile"/>) without ever
/// reading or allocating past its end: every declared length is compared with the bytes left
/// before anything is allocated, so a crafted size cannot make a small file allocate gigabytes.
/// Every failure is an <see cref="InvalidDataException"/> that starts with the file's path.
/// </summary>
internal sealed class PayloadReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Stream _stream;
    private readonly long _end;
    private long _position;

    internal PayloadReader(Stream stream, long start, long end, string path, string description)
    {
        _stream = stream;
        _position = start;
        _end = end;
        Path = path;
        Description = description;
    }

    /// <summary>The file being read, for messages.</summary>
    public string Path { get; }

    /// <summary>What the file is ("parameter file"), for messages.</summary>
    public string Description { get; }

    /// <summary>Payload bytes not read yet.</summary>
    public long Remaining => _end - _position;

    /// <summary>An exception for a problem with the file: the path, then <paramref name="problem"/>.</summary>
    public InvalidDataException Error(string problem, Exception? inner = null) => new($"{Path}: {problem}", inner);

    /// <summary>A little-endian int32; <paramref name="what"/> names the field for messages.</summary>
    public int ReadInt32(string what)
    {
        Span<byte> b = stackalloc byte[4];
        Fill(b, what);
        return BinaryPrimitives.ReadInt32LittleEndian(b);
    }

    /// <summary>A little-endian int64; <paramref name="what"/> names the field for messages.</summary>
    public long ReadInt64(string what)
    {
        Span<byte> b = stackalloc byte[8];
        Fill(b, what);
        return BinaryPrimitives.ReadInt64LittleEndian(b);
    }

    /// <summary>A little-endian uint64; <paramref name="what"/> names the field for messages.</summary>
    public ulong ReadUInt64(string what)
    {
        Span<byte> b = stackalloc byte[8];
        Fill(b, what);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>
    /// A string as <see cref="BinaryWriter.Write(string)"/> writes it (a 7-bit encoded byte count,
    /// then UTF-8) of at most <paramref name="maxBytes"/> bytes; invalid UTF-8 is an error.
    /// </summary>
    public string ReadString(string what, int maxBytes)
    {
        int length = Read7BitEncodedLength(what);
        if (length > maxBytes)
        {
            throw Error($"{what} is {length} bytes long; at most {maxBytes} are allowed.");
        }

        var bytes = ReadBytes(length, what);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Error($"{what} is not valid UTF-8.", e);
        }
    }

    /// <summary>
    /// <paramref name="count"/> bytes, checked against the bytes left before anything is allocated.
    /// </summary>
    public byte[] ReadBytes(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw Error($"{what} declares {count} bytes but only {Remaining} are left in the {Description}.");
        }

        if (count > Array.MaxLength)
        {
            throw Error($"{what} declares {count} bytes; more than {Array.MaxLength} in one block are not supported.");
        }

        var bytes = GC.AllocateUninitializedArray<byte>((int)count);
        Fill(bytes, what);
        return bytes;
    }

    /// <summary>Fails unless the whole payload has been read.</summary>
    public void ExpectEnd()
    {
        if (Remaining != 0)
        {
            throw Error($"{Remaining} unexpected bytes follow the last record of the {Description}.");
        }
    }

    private int Read7BitEncodedLength(string what)
    {
        uint result = 0;
        Span<byte> b = stackalloc byte[1];
        for (int shift = 0; shift < 35; shift += 7)
        {
            Fill(b, what);
            if (shift == 28 && b[0] > 0x07)
            {
                throw Error($"the length of {what} is not a valid 7-bit encoded number below 2^31.");
            }

            result |= (uint)(b[0] & 0x7F) << shift;
            if ((b[0] & 0x80) == 0)
            {
                return (int)result;
            }
        }

        throw Error($"the length of {what} is not a valid 7-bit encoded number below 2^31.");
    }

    private void Fill(Span<byte> destination, string what)
    {
        if (destination.Length > Remaining)
        {
            throw Error($"the {Description} ends inside {what} ({destination.Length} bytes needed, {Remaining} left).");
        }

        _stream.ReadExactly(destination);
        _position += destination.Length;
    }
}
