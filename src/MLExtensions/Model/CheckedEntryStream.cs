namespace MLExtensions.Model;

/// <summary>
/// Reads one zip entry and holds it to its header: never more than the declared size (the declared size can lie,
/// so this is what stops a zip bomb), exactly the declared size at the end, and the declared CRC-32.
/// </summary>
internal sealed class CheckedEntryStream : Stream
{
    private readonly Stream _inner;
    private readonly long _length;
    private readonly uint _crc;
    private readonly Func<string, Exception> _fail;
    private long _read;
    private uint _running;
    private bool _verified;

    public CheckedEntryStream(Stream inner, long declaredLength, uint declaredCrc, Func<string, Exception> fail)
    {
        _inner = inner;
        _length = declaredLength;
        _crc = declaredCrc;
        _fail = fail;
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        if (_read >= _length)
        {
            Span<byte> probe = stackalloc byte[1];
            if (_inner.Read(probe) > 0) throw _fail($"it inflates to more than its declared {_length:N0} bytes");
            Verify();
            return 0;
        }
        int n = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _length - _read)]);
        if (n == 0)
        {
            Verify();
            return 0;
        }
        _running = Crc32.Append(_running, buffer[..n]);
        _read += n;
        return n;
    }

    private void Verify()
    {
        if (_verified) return;
        _verified = true;
        if (_read != _length) throw _fail($"it is truncated ({_read:N0} of {_length:N0} bytes)");
        if (_running != _crc) throw _fail("its CRC-32 does not match (the bytes were altered)");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
