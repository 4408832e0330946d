namespace Ppl.Testing;

/// <summary>
/// A write-only stream that passes the first <c>capacity</c> bytes on and then fails the way a
/// full disk does, for the fault seam of <c>Ppl.IO.AtomicFile</c>.
/// </summary>
public sealed class FullDiskStream(Stream inner, long capacity) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int fits = (int)Math.Min(buffer.Length, capacity - _written);
        inner.Write(buffer[..fits]);
        _written += fits;
        if (fits < buffer.Length)
        {
            throw new IOException("No space left on device (simulated).");
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
