using System.Text;
using nietras.SeparatedValues;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// CSV/TSV through Sep. The declared encoding is applied strictly (bytes invalid in it fail the file);
/// a UTF-8 byte-order mark is skipped. Lines with a different number of cells than the header (a
/// truncated last line, a stray separator) are returned marked malformed, never dropped.
/// </summary>
public sealed class CsvTabularFile : ITabularFile
{
    private readonly StreamReader _text;
    private readonly SepReader _reader;

    public CsvTabularFile(string path, Encoding encoding, char separator)
    {
        var stream = File.OpenRead(path);
        if (stream.Length == 0)
        {
            stream.Dispose();
            throw new InvalidDataException("the file is empty (not even a header line)");
        }
        SkipUtf8ByteOrderMark(stream);
        _text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false);
        _reader = Sep.Reader(o => o with { Sep = new Sep(separator), Unescape = true, DisableColCountCheck = true, Trim = SepTrim.Outer })
            .From(_text);
        Header = _reader.Header.ColNames.Select(n => n.Trim()).ToList();
    }

    public IReadOnlyList<string> Header { get; }

    public IEnumerable<TabularRow> Rows()
    {
        foreach (var row in _reader)
        {
            var cells = new object?[row.ColCount];
            for (var i = 0; i < cells.Length; i++)
            {
                var text = row[i].ToString();
                cells[i] = text.Length == 0 ? null : text;
            }
            yield return new TabularRow(row.LineNumberFrom, cells, cells.Length != Header.Count);
        }
    }

    private static void SkipUtf8ByteOrderMark(Stream stream)
    {
        Span<byte> bom = stackalloc byte[3];
        var read = stream.Read(bom);
        if (read < 3 || bom[0] != 0xEF || bom[1] != 0xBB || bom[2] != 0xBF)
            stream.Position = 0;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _text.Dispose();
    }
}
