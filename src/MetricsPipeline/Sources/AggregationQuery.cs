namespace MetricsPipeline.Sources;

/// <summary>
/// The two statements run against a source for one window, in one snapshot: the source-side row count
/// used for reconciliation, and the GROUP BY (unit, code, local day, problem) whose rows become facts or
/// quarantine. Parameters are named @lower, @upper, @now, @history_lower.
/// </summary>
public sealed record AggregationQuery(string CountSql, string GroupSql, WindowBounds Bounds, IReadOnlyList<string> ValueMeasures);
