namespace MetricsPipeline.Normalize;

/// <summary>Why source rows did not become facts. Stable strings: they are stored and documented.</summary>
public static class QuarantineReason
{
    public const string NullUnit = "null_unit";
    public const string UnknownUnit = "unknown_unit";
    public const string UnmappedCode = "unmapped_code";
    public const string MissingTimestamp = "missing_timestamp";
    public const string UnparsableTimestamp = "unparsable_timestamp";
    public const string FutureTimestamp = "future_timestamp";
    public const string BeforeHistoryStart = "before_history_start";
    public const string NullMeasure = "null_measure";
    public const string NegativeMeasure = "negative_measure";
    public const string NonNumericMeasure = "non_numeric_measure";
    public const string MalformedLine = "malformed_line";
    public const string CellTooLong = "cell_too_long";
}
