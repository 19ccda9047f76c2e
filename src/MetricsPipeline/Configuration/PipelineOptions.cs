namespace MetricsPipeline.Configuration;

/// <summary>The "Pipeline" configuration section: everything the worker pulls and computes.</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>Path of the org-units CSV (code,name,parent_code,level,headcount); relative paths resolve against the configuration file's folder.</summary>
    public string OrgUnits { get; set; } = "";

    public HistoryOptions History { get; set; } = new();

    public IndicatorOptions Indicators { get; set; } = new();

    /// <summary>Categories added to the built-in taxonomy.</summary>
    public List<CategoryOptions> Categories { get; set; } = [];

    public List<SourceOptions> Sources { get; set; } = [];

    /// <summary>How many sources run at the same time in run-once and backfill.</summary>
    public int MaxParallelSources { get; set; } = 2;

    /// <summary>Language of the report and the CLI tables: zh-CN (default) or en.</summary>
    public DisplayLanguage Language { get; set; } = DisplayLanguage.Chinese;

    public ReportOptions Report { get; set; } = new();
}

public sealed class ReportOptions
{
    /// <summary>Signals listed in the report, highest score first; the page counts the rest.</summary>
    public int TopSignals { get; set; } = 20;
}

public sealed class HistoryOptions
{
    /// <summary>First local day any stream is pulled from on its first run.</summary>
    public DateOnly From { get; set; } = new(2024, 1, 1);

    /// <summary>First-run and backfill chunk size; each chunk is its own transaction.</summary>
    public int ChunkMonths { get; set; } = 1;
}

public sealed class IndicatorOptions
{
    /// <summary>The base period reductions are measured against: a calendar year, e.g. "2024".</summary>
    public string BasePeriod { get; set; } = "2024";

    /// <summary>Share of expected (source, stream, day) cells that must be covered for an indicator to be published.</summary>
    public decimal CoverageThreshold { get; set; } = 0.95m;

    public List<TargetOptions> Targets { get; set; } = [];

    /// <summary>Standard Cost Model tariffs that override the seeded ones (ref.tariffs, origin config).</summary>
    public List<TariffOptions> Tariffs { get; set; } = [];

    /// <summary>Hours one FTE works in a year, the divisor of "share of working time" (a month is 1/12 of it, a week 1/52).</summary>
    public decimal WorkingHoursPerFteYear { get; set; } = 2000;

    /// <summary>
    /// How often the service refreshes the indicators of what was loaded since the last refresh
    /// (ops.indicator_refresh_queue). run-once and backfill refresh at the end of their run regardless.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class TariffOptions
{
    /// <summary>A category, or a family pattern such as "document.*".</summary>
    public string Category { get; set; } = "";

    /// <summary>Standard minutes of grassroots staff time per item (per event; for stocks per item in use per day).</summary>
    public decimal MinutesPerItem { get; set; }

    /// <summary>Weight of the category's burden hours in the composite burden index (1 = as its hours, 0 = left out).</summary>
    public decimal IndexWeight { get; set; } = 1;

    /// <summary>What the minutes stand for and where they come from (a local time study, say).</summary>
    public string? Rationale { get; set; }
}

public sealed class TargetOptions
{
    /// <summary>A category, or a family pattern such as "document.*".</summary>
    public string Category { get; set; } = "";

    /// <summary>Target reduction against the base period, as a fraction (0.30 = 30%).</summary>
    public decimal Reduction { get; set; }

    /// <summary>Unit code the target applies to (with its subtree); empty for all units.</summary>
    public string? Scope { get; set; }

    /// <summary>Base period of this target; defaults to Indicators:BasePeriod.</summary>
    public string? BasePeriod { get; set; }

    /// <summary>The public programme or document the target comes from.</summary>
    public string? PublicSource { get; set; }
}

public sealed class CategoryOptions
{
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "flow";
    public string Description { get; set; } = "";

    /// <summary>Chinese label readers see (report, CLI); the name when empty.</summary>
    public string? LabelZh { get; set; }

    /// <summary>English label (Pipeline:Language en); the name when empty.</summary>
    public string? LabelEn { get; set; }
}
