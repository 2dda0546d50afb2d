namespace MLExtensions.Model;

/// <summary>A read-only view of a stream that fails once more than a fixed number of bytes come out of it.</summary>
internal sealed class BoundedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private readonly Func<Exception> _tooLong;
    private long _read;

    public BoundedReadStream(Stream inner, long limit, Func<Exception> tooLong)
    {
        _inner = inner;
        _limit = limit;
        _tooLong = tooLong;
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        if (_read >= _limit)
        {
            Span<byte> probe = stackalloc byte[1];
            if (_inner.Read(probe) > 0) throw _tooLong();
            return 0;
        }
        int n = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _limit - _read)]);
        _read += n;
        return n;
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
