using System.Security.Cryptography;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// A read-only, forward-only view of a file that hashes (SHA-256) exactly the bytes handed to the parser,
/// counts them, and stops with the cancellation token (a read timeout) between reads. It does not own the
/// file: parsers that close their input when they finish leave it readable, so <see cref="Finish"/> can
/// still hash what they did not read.
/// </summary>
public sealed class HashingStream(Stream inner, CancellationToken cancellationToken) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    /// <summary>Reads whatever the parser left unread (so the hash covers the whole file) and returns the hash, hex.</summary>
    public string Finish()
    {
        var buffer = new byte[1 << 16];
        while (Read(buffer, 0, buffer.Length) > 0) { }
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        BytesRead += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Releases the hash; the file is closed by its owner.</summary>
    public void Release() => _hash.Dispose();

    // Closing by a parser is ignored: the owner closes the file, and Finish may still read the rest.
    protected override void Dispose(bool disposing) { }
}
