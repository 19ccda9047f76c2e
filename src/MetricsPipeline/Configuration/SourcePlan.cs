using MetricsPipeline.Sources;

namespace MetricsPipeline.Configuration;

/// <summary>A source as the pipeline runs it: configuration parsed and checked once, at start-up.</summary>
public sealed record SourcePlan(
    string Name,
    string Provider,
    string ConnectionString,
    string Schedule,
    TimeZoneInfo TimeZone,
    int LookbackDays,
    TimeSpan QueryTimeout,
    IReadOnlyList<StreamPlan> Streams)
{
    /// <summary>Retries, breaker and attempt timeout of this source's windows.</summary>
    public ResilienceOptions Resilience { get; init; } = new();

    /// <summary>Age of the newest covered data after which the source is stale.</summary>
    public TimeSpan ExpectedFreshness { get; init; } = TimeSpan.FromDays(2);

    public long MaxGroupsPerWindow { get; init; } = 5_000_000;

    public bool IsFileDrop => Provider == "files";
}

public sealed record StreamPlan(
    string Source,
    string Name,
    SqlIdentifier Table,
    WhereExpression? Where,
    SqlIdentifier Timestamp,
    TimestampKind TimestampKind,
    SqlIdentifier Unit,
    SqlIdentifier? Code,
    string? FixedCategory,
    IReadOnlyList<MeasurePlan> Measures,
    IReadOnlyDictionary<string, string> CodeMap)
{
    /// <summary>Set for streams of the files provider.</summary>
    public FileDropPlan? Files { get; init; }

    /// <summary>The categories this stream can produce.</summary>
    public IReadOnlyList<string> Categories =>
        (FixedCategory is null ? CodeMap.Values : [FixedCategory]).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Measures that need a value column in the aggregation (everything but row counts).</summary>
    public IReadOnlyList<MeasurePlan> ValueMeasures => Measures.Where(m => m.Expression is not MeasureExpression.RowCount).ToList();
}

public sealed record MeasurePlan(string Name, MeasureExpression Expression);

/// <summary>Where and how a files stream finds its files.</summary>
public sealed record FileDropPlan(
    string Folder, string Pattern, string? Format, System.Text.Encoding Encoding, string? Sheet,
    bool RequireDoneMarker, TimeSpan SettleTime, bool RetractRemoved, TimeSpan ReadTimeout, bool AllowDigitGrouping);
