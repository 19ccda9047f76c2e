namespace MetricsPipeline.Sources;

/// <summary>What differs between source databases in the generated aggregation query.</summary>
public interface ISqlDialect
{
    string QuoteIdentifier(string name);

    /// <summary>Division that yields a decimal and NULL (not an error) on division by zero.</summary>
    string Divide(string left, string right);

    /// <summary>
    /// Casts an expression to text that groups and compares byte for byte, whatever the column's collation
    /// (unit codes and source codes may be numbers at the source, and a case- or pad-insensitive collation would
    /// merge 'C01', 'c01' and 'C01 ' into one group where the org file and the code map tell them apart).
    /// </summary>
    string AsText(string expression);

    /// <summary>
    /// An expression that turns the timestamp column into a value comparable with the window bounds:
    /// a UTC instant for utc/offset columns, the local wall time for local columns (see <see cref="WindowBounds"/>).
    /// NULL when the value cannot be read.
    /// </summary>
    string Instant(string column, TimestampKind kind);

    /// <summary>
    /// The local calendar day of the instant expression, in the stream's time zone. A dialect that cannot
    /// apply zone rules in SQL may return a finer UTC bucket instead and turn it into a day when reading.
    /// </summary>
    string LocalDay(string instant, TimestampKind kind, TimeZoneInfo zone, SourceWindow window);

    /// <summary>
    /// An optional cheap predicate that narrows the rows before the exact window filter runs, for dialects
    /// whose exact filter is expensive. It may only exclude rows that cannot be in the window.
    /// </summary>
    string? Prefilter(string column, SourceWindow window) => null;

    /// <summary>Quotes a string literal.</summary>
    string Literal(string value) => "'" + value.Replace("'", "''") + "'";
}
