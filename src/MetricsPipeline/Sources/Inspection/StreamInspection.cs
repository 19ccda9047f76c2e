namespace MetricsPipeline.Sources.Inspection;

/// <summary>What <c>sources check</c> found for one stream. Any problem makes the check fail.</summary>
public sealed record StreamInspection(string Source, string Stream, string Provider)
{
    public List<string> Problems { get; } = [];

    /// <summary>The aggregation the pipeline would send for the sample window (database sources).</summary>
    public string? GeneratedQuery { get; set; }

    /// <summary>Source codes seen in the sample window with their row counts; Category null when unmapped.</summary>
    public List<CodeSeen> Codes { get; } = [];

    /// <summary>Unit codes seen that the org tree does not know, with their row counts.</summary>
    public List<UnitSeen> UnknownUnits { get; } = [];

    /// <summary>Yesterday's counts per category and measure, as they would be loaded.</summary>
    public List<PreviewRow> Yesterday { get; } = [];

    /// <summary>Rows of the sample window that would be quarantined, per reason.</summary>
    public Dictionary<string, long> Quarantine { get; } = [];

    public long SampleRows { get; set; }

    public string SampleDescription { get; set; } = "";

    public bool Ok => Problems.Count == 0;
}

public sealed record CodeSeen(string? Code, string? Category, long Rows);

public sealed record UnitSeen(string? Unit, long Rows);

public sealed record PreviewRow(string Category, string Measure, decimal Value);
