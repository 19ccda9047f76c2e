using System.Globalization;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// What a database does with GROUP BY, done while a file streams past: one group per (unit, code, local
/// day, problem) with its row count and measure sums. Memory grows with the number of groups, never with
/// the file. Problems are named per row exactly as the database aggregation names them, plus the ones
/// only text files have (non-numeric measures, malformed lines, unit or code cells too long to index).
/// Numbers are read strictly: digits, one decimal point and a leading sign; digit grouping (<c>1,200</c>)
/// only where the stream allows it, and then only in groups of three.
/// </summary>
public sealed class FileAggregator
{
    private readonly StreamPlan _stream;
    private readonly TimeZoneInfo _zone;
    private readonly long _historyLowerTicks;
    private readonly long _nowTicks;
    private readonly IReadOnlyList<MeasurePlan> _values;
    private readonly int _timestamp, _unit, _code;
    private readonly Dictionary<string, int> _columns;
    private readonly Dictionary<GroupKey, Accumulator> _groups = [];
    private readonly bool _digitGrouping;

    /// <summary>
    /// The longest unit or code cell that is a key: longer ones cannot be indexed in the warehouse (a
    /// btree entry holds at most about 2,700 bytes) and are no code anyone uses, so their row is
    /// quarantined as cell_too_long with an excerpt of the cell.
    /// </summary>
    public const int MaxKeyLength = 200;

    public long Rows { get; private set; }

    public int GroupCount => _groups.Count;

    public FileAggregator(StreamPlan stream, IReadOnlyList<string> header, TimeZoneInfo zone, DateOnly historyFrom, DateTimeOffset now)
    {
        _stream = stream;
        _zone = zone;
        _digitGrouping = stream.Files?.AllowDigitGrouping ?? false;
        _values = stream.ValueMeasures;
        _columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
            _columns.TryAdd(header[i], i);

        var required = new List<string> { stream.Timestamp.ToString(), stream.Unit.ToString() };
        if (stream.Code is not null) required.Add(stream.Code.ToString());
        required.AddRange(_values.SelectMany(m => m.Expression.Columns));
        var missing = required.Distinct().Where(c => !_columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            // The header is the file's own text (a wrongly dropped credential file is one line): only short names are shown.
            var found = header.Take(20).Select(h => h.Length == 0 ? "(empty: merged cell?)" : ErrorText.Name(h));
            throw new InvalidDataException(
                $"the header lacks column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; found {header.Count} column(s): {string.Join(", ", found)}{(header.Count > 20 ? ", …" : "")}");
        }
        _timestamp = _columns[stream.Timestamp.ToString()];
        _unit = _columns[stream.Unit.ToString()];
        _code = stream.Code is null ? -1 : _columns[stream.Code.ToString()];

        // The same comparable ticks as TimestampText produces: UTC for utc/offset, wall time for local.
        var historyLower = stream.TimestampKind == TimestampKind.Local
            ? historyFrom.ToDateTime(TimeOnly.MinValue)
            : LocalCalendar.StartOfDayUtc(historyFrom, zone);
        _historyLowerTicks = historyLower.Ticks;
        _nowTicks = stream.TimestampKind == TimestampKind.Local ? LocalCalendar.LocalWallTime(now, zone).Ticks : now.UtcTicks;
    }

    public void Add(TabularRow row)
    {
        Rows++;
        var unit = Text(row, _unit);
        var code = _code < 0 ? null : Text(row, _code);
        if (row.Malformed)
        {
            Accumulate(new GroupKey(Key(unit), Key(code), null, $"{QuarantineReason.MalformedLine}:line {row.Line}"), null);
            return;
        }
        if (unit?.Length > MaxKeyLength || code?.Length > MaxKeyLength)
        {
            var column = unit?.Length > MaxKeyLength ? _stream.Unit.ToString() : _stream.Code!.ToString();
            Accumulate(new GroupKey(Key(unit), Key(code), null, $"{QuarantineReason.CellTooLong}:{column} at line {row.Line}"), null);
            return;
        }

        var raw = Cell(row, _timestamp);
        var ticks = raw is null ? null : Instant(raw);
        DateOnly? day = ticks is { } t ? TimestampText.DayOfTicks(t, _stream.TimestampKind, _zone) : null;
        string? problem = raw is null ? QuarantineReason.MissingTimestamp
            : ticks is null ? QuarantineReason.UnparsableTimestamp
            : ticks < _historyLowerTicks ? QuarantineReason.BeforeHistoryStart
            : ticks > _nowTicks ? QuarantineReason.FutureTimestamp
            : null;
        if (problem == QuarantineReason.BeforeHistoryStart)
            day = null; // as at a database: one group per unit and code for everything before History.From

        var values = new decimal?[_values.Count];
        for (var i = 0; i < _values.Count && problem is null; i++)
        {
            var measure = _values[i];
            string? nonNumeric = null;
            values[i] = measure.Expression.Evaluate(column =>
            {
                var cell = Cell(row, _columns[column]);
                if (cell is null) return null;
                if (TryNumber(cell, out var number)) return number;
                nonNumeric = column;
                return null;
            });
            problem = nonNumeric is not null ? $"{QuarantineReason.NonNumericMeasure}:{measure.Name}"
                : values[i] is null ? $"{QuarantineReason.NullMeasure}:{measure.Name}"
                : values[i] < 0 ? $"{QuarantineReason.NegativeMeasure}:{measure.Name}"
                : null;
        }
        Accumulate(new GroupKey(unit, code, day, problem), problem is null ? values : null);
    }

    /// <summary>The groups, as a database would have returned them.</summary>
    public IEnumerable<SourceGroup> Groups() =>
        _groups.Select(g => new SourceGroup(g.Key.Unit, g.Key.Code, g.Key.Day, g.Key.Problem, g.Value.Rows, g.Value.Sums));

    private void Accumulate(GroupKey key, decimal?[]? values)
    {
        if (!_groups.TryGetValue(key, out var acc))
            _groups[key] = acc = new Accumulator(new decimal?[_values.Count]);
        acc.Rows++;
        if (values is null) return;
        for (var i = 0; i < values.Length; i++)
            acc.Sums[i] = (acc.Sums[i] ?? 0) + values[i];
    }

    private long? Instant(object raw) => raw switch
    {
        // A spreadsheet date cell carries no zone: it is wall time, read as the stream's kind says.
        DateTime wall => _stream.TimestampKind == TimestampKind.Offset ? null : wall.Ticks,
        double number when number == Math.Floor(number) => TimestampText.ToInstantTicks((long)number, _stream.TimestampKind, _zone),
        _ => TimestampText.ToInstantTicks(raw, _stream.TimestampKind, _zone),
    };

    /// <summary>A key cell as it can be stored: itself, or a short excerpt when it is too long to index.</summary>
    private static string? Key(string? cell)
    {
        if (cell is null || cell.Length <= MaxKeyLength)
            return cell;
        var cut = char.IsHighSurrogate(cell[MaxKeyLength / 4 - 1]) ? MaxKeyLength / 4 - 1 : MaxKeyLength / 4; // never half a character
        return cell[..cut] + $"… ({cell.Length:N0} characters)";
    }

    private static readonly System.Text.RegularExpressions.Regex Grouped =
        new(@"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private const NumberStyles Strict = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    private bool TryNumber(object cell, out decimal number)
    {
        switch (cell)
        {
            case double d when double.IsFinite(d): number = (decimal)d; return true;
            case decimal m: number = m; return true;
            case long l: number = l; return true;
            case int i: number = i; return true;
            case string s when _digitGrouping && s.Contains(',') && Grouped.IsMatch(s):
                return decimal.TryParse(s, Strict | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out number);
            case string s: return decimal.TryParse(s, Strict, CultureInfo.InvariantCulture, out number);
            default: number = 0; return false;
        }
    }

    private static object? Cell(TabularRow row, int index) => index < row.Cells.Length ? row.Cells[index] : null;

    private static string? Text(TabularRow row, int index) => Cell(row, index) switch
    {
        null => null,
        double d => d.ToString(CultureInfo.InvariantCulture),
        var value => value.ToString()?.Trim(),
    };

    private readonly record struct GroupKey(string? Unit, string? Code, DateOnly? Day, string? Problem);

    private sealed class Accumulator(decimal?[] sums)
    {
        public long Rows;
        public decimal?[] Sums { get; } = sums;
    }
}
