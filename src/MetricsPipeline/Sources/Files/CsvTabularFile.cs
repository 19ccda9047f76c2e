using System.Text;
using nietras.SeparatedValues;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// CSV/TSV through Sep, counted the way a person reading the file would count it:
/// <list type="bullet">
/// <item>The declared encoding is applied strictly (bytes invalid in it fail the file). Its byte-order mark
/// is removed; a byte-order mark of another encoding (UTF-16, or UTF-8 in a GB18030 stream) and NUL bytes
/// (UTF-16 without a byte-order mark, a binary file) fail the file with a message saying so.</item>
/// <item>A line holding nothing (empty, blanks, or separators only) is not data.</item>
/// <item>A quoted cell may span lines. A quote that is not closed where its cell ends would swallow the
/// lines after it into one record; such a file fails, naming the line, instead of hiding those lines.</item>
/// <item>Lines with a different number of cells than the header (a truncated last line, a stray
/// separator) are returned marked malformed, never dropped.</item>
/// </list>
/// </summary>
public sealed class CsvTabularFile : ITabularFile
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private static readonly byte[] Gb18030Bom = [0x84, 0x31, 0x95, 0x33];

    private readonly StreamReader _text;
    private readonly SepReader _reader;

    public CsvTabularFile(Stream stream, Encoding encoding, char separator)
    {
        var start = SkipByteOrderMark(stream, encoding);
        _text = new StreamReader(start, encoding, detectEncodingFromByteOrderMarks: false);
        _reader = Sep.Reader(o => o with { Sep = new Sep(separator), Unescape = false, DisableColCountCheck = true, Trim = SepTrim.None })
            .From(_text);
        var header = new List<string>();
        foreach (var name in _reader.Header.ColNames)
        {
            var (text, _) = Unquote(name);
            if (text.Contains('\0'))
                throw new InvalidDataException(
                    "the header line holds NUL bytes: the file is probably UTF-16 without a byte-order mark (or not text at all); save it as UTF-8 or GB18030");
            header.Add(text.Trim());
        }
        Header = header;
    }

    public IReadOnlyList<string> Header { get; }

    public IEnumerable<TabularRow> Rows()
    {
        foreach (var row in _reader)
        {
            var cells = new object?[row.ColCount];
            var blank = true;
            var brokenQuote = false;
            for (var i = 0; i < cells.Length; i++)
            {
                var (text, proper) = Unquote(row[i].Span);
                if (!proper && text.AsSpan().IndexOfAny('\n', '\r') >= 0)
                    brokenQuote = true;
                if (text.Contains('\0'))
                    throw new InvalidDataException($"line {row.LineNumberFrom} holds a NUL byte: the file is not plain text in its declared encoding");
                var trimmed = text.Trim();
                cells[i] = trimmed.Length == 0 ? null : trimmed;
                blank &= trimmed.Length == 0;
            }
            if (brokenQuote)
            {
                throw new InvalidDataException(
                    $"line {row.LineNumberFrom}: a quote is not closed where its cell ends, which joins lines {row.LineNumberFrom}..{row.LineNumberToExcl - 1} into one record; " +
                    "fix the quoting (a cell holding a quote is itself put in quotes, with the quote written twice)");
            }
            if (blank)
                continue; // an empty line, blanks or separators only: nothing a person would count as a record
            yield return new TabularRow(row.LineNumberFrom, cells, cells.Length != Header.Count);
        }
    }

    /// <summary>
    /// A cell as written: <c>"a ""b"""</c> is <c>a "b"</c>. <paramref name="raw"/> is properly quoted when it
    /// holds no quote at all or is one quoted string; otherwise its text is kept as it is, quotes included.
    /// </summary>
    private static (string Text, bool Proper) Unquote(ReadOnlySpan<char> raw)
    {
        var trimmed = raw.Trim();
        if (trimmed.IndexOf('"') < 0)
            return (trimmed.ToString(), true);
        if (trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"')
        {
            var inner = trimmed[1..^1];
            var builder = new StringBuilder(inner.Length);
            for (var i = 0; i < inner.Length; i++)
            {
                if (inner[i] == '"')
                {
                    if (i + 1 >= inner.Length || inner[i + 1] != '"')
                        return (trimmed.ToString(), false);
                    i++;
                }
                builder.Append(inner[i]);
            }
            return (builder.ToString(), true);
        }
        return (trimmed.ToString(), false);
    }

    /// <summary>Removes the declared encoding's byte-order mark; refuses one of another encoding.</summary>
    private static Stream SkipByteOrderMark(Stream stream, Encoding encoding)
    {
        var head = new byte[4];
        var read = 0;
        int n;
        while (read < head.Length && (n = stream.Read(head, read, head.Length - read)) > 0)
            read += n;
        if (read == 0)
            throw new InvalidDataException("the file is empty (not even a header line)");
        var bytes = head.AsSpan(0, read);
        var gb18030 = encoding.CodePage == 54936;
        int skip;
        if (bytes.StartsWith(Utf8Bom))
            skip = !gb18030 ? Utf8Bom.Length
                : throw new InvalidDataException("the file starts with a UTF-8 byte-order mark, but the stream's Encoding is gb18030; set Encoding to utf-8");
        else if (bytes.StartsWith(Gb18030Bom))
            skip = gb18030 ? Gb18030Bom.Length
                : throw new InvalidDataException("the file starts with a GB18030 byte-order mark, but the stream's Encoding is utf-8; set Encoding to gb18030");
        else if (bytes.StartsWith((byte[])[0xFF, 0xFE]) || bytes.StartsWith((byte[])[0xFE, 0xFF]) || bytes.StartsWith((byte[])[0x00, 0x00, 0xFE, 0xFF]))
            throw new InvalidDataException(
                $"the file is UTF-16 or UTF-32 (it starts with that byte-order mark), but the stream's Encoding is {encoding.WebName}; save it as UTF-8 or GB18030");
        else
            skip = 0;
        return new PrefixedStream(head.AsMemory(skip, read - skip), stream);
    }

    public void Dispose()
    {
        _reader.Dispose();
        _text.Dispose();
    }

    /// <summary>Bytes already read from the head of a stream, then the rest of it.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
                return rest.Read(buffer);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }
}
