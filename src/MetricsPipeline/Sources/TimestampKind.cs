namespace MetricsPipeline.Sources;

/// <summary>How a source stores event times.</summary>
public enum TimestampKind
{
    /// <summary>timestamptz, or a naive timestamp holding UTC wall time.</summary>
    Utc,

    /// <summary>A value that carries its own offset (timestamptz, or text such as 2025-03-01T08:00:00+08:00).</summary>
    Offset,

    /// <summary>A naive wall time in the source's time zone (the common case for Beijing-time systems).</summary>
    Local,
}
