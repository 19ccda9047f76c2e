namespace MetricsPipeline.Sources;

/// <summary>
/// One row of the aggregation: the rows of one unit, code and local day that share a problem (or none).
/// <see cref="Values"/> line up with <see cref="AggregationQuery.ValueMeasures"/>.
/// </summary>
public sealed record SourceGroup(string? UnitCode, string? SourceCode, DateOnly? Day, string? Problem, long RowCount, decimal?[] Values);
