using System.Text;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;

namespace MetricsPipeline.Sources;

/// <summary>
/// Generates the per-stream aggregation for a dialect. The GROUP BY runs at the source, so only one row per
/// (unit, code, local day, problem) crosses the network. Every identifier is quoted by the dialect and every
/// measure and the Where are parsed expressions rendered for the dialect: no configuration text reaches the SQL as written.
/// </summary>
public static class AggregationQueryBuilder
{
    public static AggregationQuery Build(StreamPlan stream, ISqlDialect dialect, SourceWindow window, WindowBounds bounds, TimeZoneInfo zone)
    {
        var table = stream.Table.Render(dialect);
        var timestamp = stream.Timestamp.Render(dialect);
        var instant = dialect.Instant(timestamp, stream.TimestampKind);
        var filter = WindowFilter(window, instant, timestamp);
        if (dialect.Prefilter(timestamp, window) is { } prefilter)
            filter = $"{prefilter} AND {filter}";
        var where = stream.Where is null ? filter : $"{stream.Where.Render(dialect)} AND {filter}";
        var valueMeasures = stream.ValueMeasures;

        var countSql = $"SELECT count(*) FROM {table} WHERE {where}";

        // Innermost: read the columns once. Middle: name each row's problem, if any. Outer: group.
        var read = new StringBuilder();
        read.Append($"SELECT {dialect.AsText(stream.Unit.Render(dialect))} AS unit_code, ");
        read.Append(stream.Code is null ? "NULL AS source_code, " : $"{dialect.AsText(stream.Code.Render(dialect))} AS source_code, ");
        read.Append($"{timestamp} AS ts_raw, {instant} AS ts");
        for (var i = 0; i < valueMeasures.Count; i++)
            read.Append($", {valueMeasures[i].Expression.Render(dialect)} AS m{i}");
        read.Append($" FROM {table} WHERE {where}");

        var problem = new StringBuilder("CASE WHEN ts_raw IS NULL THEN ")
            .Append(dialect.Literal(QuarantineReason.MissingTimestamp))
            .Append(" WHEN ts IS NULL THEN ").Append(dialect.Literal(QuarantineReason.UnparsableTimestamp));
        if (window.OpenBefore)
            problem.Append(" WHEN ts < @history_lower THEN ").Append(dialect.Literal(QuarantineReason.BeforeHistoryStart));
        // After now, or after the window's last day (the source's today when it was planned: a row of a later
        // day is in the future for this run even when midnight passed since, and never a fact outside the window).
        if (window.OpenAfter)
            problem.Append(" WHEN ts > @now OR ts >= @upper THEN ").Append(dialect.Literal(QuarantineReason.FutureTimestamp));
        for (var i = 0; i < valueMeasures.Count; i++)
        {
            problem.Append($" WHEN m{i} IS NULL THEN ").Append(dialect.Literal($"{QuarantineReason.NullMeasure}:{valueMeasures[i].Name}"));
            problem.Append($" WHEN m{i} < 0 THEN ").Append(dialect.Literal($"{QuarantineReason.NegativeMeasure}:{valueMeasures[i].Name}"));
        }
        problem.Append(" ELSE NULL END");

        // Rows before History.From collapse to one group per unit and code: their days are not wanted.
        var day = window.OpenBefore
            ? $"CASE WHEN ts < @history_lower THEN NULL ELSE {dialect.LocalDay("ts", stream.TimestampKind, zone, window)} END"
            : dialect.LocalDay("ts", stream.TimestampKind, zone, window);

        var sums = string.Concat(Enumerable.Range(0, valueMeasures.Count).Select(i => $", sum(m{i}) AS m{i}"));
        var groupSql =
            $"SELECT unit_code, source_code, day, problem, count(*) AS row_count{sums} FROM (" +
            $"SELECT unit_code, source_code, {day} AS day, {problem} AS problem" +
            string.Concat(Enumerable.Range(0, valueMeasures.Count).Select(i => $", m{i}")) +
            $" FROM ({read}) AS r) AS p GROUP BY unit_code, source_code, day, problem";

        return new AggregationQuery(countSql, groupSql, bounds, valueMeasures.Select(m => m.Name).ToList());
    }

    private static string WindowFilter(SourceWindow window, string instant, string timestamp) => (window.OpenBefore, window.OpenAfter) switch
    {
        (false, false) => $"{instant} >= @lower AND {instant} < @upper",
        (true, false) => $"{instant} < @upper",
        // The window that reaches now also owns rows whose time is missing or unreadable.
        (false, true) => $"({instant} >= @lower OR {timestamp} IS NULL OR {instant} IS NULL)",
        (true, true) => "1 = 1",
    };
}
