using MiniExcelLibs;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// An .xlsx sheet through MiniExcel, streamed row by row. The first row is the header. Merged header
/// cells leave gaps in the header (MiniExcel reports the value in the first cell only), so a configured
/// column under a merged cell is reported missing instead of being guessed. A workbook is a zip archive,
/// read out of order, so it is given as a seekable private copy of the bytes that were hashed.
/// </summary>
public sealed class XlsxTabularFile : ITabularFile
{
    private readonly Stream _stream;
    private readonly IEnumerator<IDictionary<string, object?>> _rows;
    private readonly List<string> _columns;

    public XlsxTabularFile(Stream copy, string? sheet)
    {
        _stream = copy;
        if (_stream.Length == 0)
        {
            _stream.Dispose();
            throw new InvalidDataException("the file is empty");
        }
        try
        {
            _rows = _stream.Query(useHeaderRow: false, sheetName: sheet).Cast<IDictionary<string, object?>>().GetEnumerator();
            if (!_rows.MoveNext())
                throw new InvalidDataException($"sheet '{sheet ?? "(first)"}' is empty (not even a header row)");
            _columns = _rows.Current.Keys.ToList();
            Header = _columns.Select(c => _rows.Current[c]?.ToString()?.Trim() ?? "").ToList();
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> Header { get; }

    public IEnumerable<TabularRow> Rows()
    {
        long line = 1;
        while (_rows.MoveNext())
        {
            line++;
            var row = _rows.Current;
            var cells = _columns.Select(c => row.TryGetValue(c, out var value) ? Blank(value) : null).ToArray();
            if (cells.All(c => c is null))
                continue; // trailing empty rows of a formatted sheet are not data
            yield return new TabularRow(line, cells, Malformed: false);
        }
    }

    private static object? Blank(object? value) => value is string s && s.Length == 0 ? null : value;

    public void Dispose()
    {
        _rows.Dispose();
        _stream.Dispose();
    }
}
