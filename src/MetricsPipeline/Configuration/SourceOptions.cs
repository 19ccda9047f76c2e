namespace MetricsPipeline.Configuration;

/// <summary>One department database or file drop.</summary>
public sealed class SourceOptions
{
    /// <summary>Unique name; appears in facts, the ledger and logs.</summary>
    public string Name { get; set; } = "";

    /// <summary>postgres (also Kingbase, openGauss, Highgo) or sqlite; mysql and files are planned.</summary>
    public string Provider { get; set; } = "";

    /// <summary>Connection string of a read-only account. For sqlite: "Data Source=/path/file.db".</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Quartz cron expression (seconds first), evaluated in <see cref="TimeZone"/>.</summary>
    public string Schedule { get; set; } = "0 0 2 * * ?";

    /// <summary>IANA time zone whose calendar days the source's events are counted in.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Days before the last covered day that every run pulls again, to pick up late rows and corrections.</summary>
    public int LookbackDays { get; set; } = 7;

    /// <summary>Longest one window may take, all its attempts and retry delays together, before it fails and rolls back.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries, circuit breaker and per-attempt timeout of this source's windows.</summary>
    public ResilienceOptions Resilience { get; set; } = new();

    /// <summary>How old the source's data may get (now minus the end of its last covered day) before it is flagged stale. Default 2 days.</summary>
    public TimeSpan ExpectedFreshness { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// Most (unit, code, day) groups one window may return. A source that returns far more than its org tree
    /// and codes can explain (a wrong Unit column, a timestamp with a time part taken as a code ...) fails the
    /// window instead of flooding the warehouse.
    /// </summary>
    public long MaxGroupsPerWindow { get; set; } = 5_000_000;

    public List<StreamOptions> Streams { get; set; } = [];
}

/// <summary>One table (or view) of a source, aggregated per unit, code and local day.</summary>
public sealed class StreamOptions
{
    public string Name { get; set; } = "";

    /// <summary>Table or view, optionally schema-qualified (schema.table). Database providers only.</summary>
    public string Table { get; set; } = "";

    /// <summary>Files provider: the folder departments drop files into.</summary>
    public string? Folder { get; set; }

    /// <summary>Files provider: file name pattern (* and ?), e.g. "checkins-*.csv".</summary>
    public string Pattern { get; set; } = "*.csv";

    /// <summary>Files provider: csv, tsv or xlsx; by default taken from the file extension.</summary>
    public string? Format { get; set; }

    /// <summary>Files provider: utf-8 (with or without BOM) or gb18030 (Chinese spreadsheet exports).</summary>
    public string Encoding { get; set; } = "utf-8";

    /// <summary>Files provider, xlsx: the sheet to read; the first sheet by default.</summary>
    public string? Sheet { get; set; }

    /// <summary>Files provider: only read a file once "NAME.done" exists beside it.</summary>
    public bool RequireDoneMarker { get; set; }

    /// <summary>Files provider: a file modified more recently than this is still being written and waits for the next run.</summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Files provider: what happens to the contribution of a file that disappears: keep (default) or retract.</summary>
    public string OnRemoved { get; set; } = "keep";

    /// <summary>Files provider: the longest one file may take to read (a hung network share fails that file, not the run). Default 10 minutes.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Files provider: measure cells may group digits in threes with commas (<c>1,200</c>). Off by default: such a cell is non-numeric.</summary>
    public bool AllowDigitGrouping { get; set; }

    /// <summary>Optional row filter in a small SQL subset (columns, literals, comparisons, AND/OR/NOT, IN, IS NULL, LIKE, BETWEEN, a few pure functions); parsed at start-up and rendered per dialect.</summary>
    public string? Where { get; set; }

    /// <summary>Column holding the event time.</summary>
    public string Timestamp { get; set; } = "";

    /// <summary>utc, offset or local (see README).</summary>
    public string TimestampKind { get; set; } = "utc";

    /// <summary>Column holding the org unit code.</summary>
    public string Unit { get; set; } = "";

    /// <summary>Column holding the source's own code (mapped through <see cref="Categories"/>). Omit it and set <see cref="Category"/> when the stream has one category.</summary>
    public string? Code { get; set; }

    /// <summary>The one category of a stream without a Code column.</summary>
    public string? Category { get; set; }

    /// <summary>Measure name to "*" (row count), a column, or an arithmetic expression over columns.</summary>
    public Dictionary<string, string> Measures { get; set; } = new() { ["count"] = "*" };

    /// <summary>Source code to canonical category.</summary>
    public Dictionary<string, string> Categories { get; set; } = [];

    /// <summary>
    /// More source codes, as a list, for codes that cannot be configuration keys: keys are case-insensitive and ':'
    /// separates them, so "gps" beside "GPS", or "A:1", can only be mapped here. Matched exactly, like <see cref="Categories"/>.
    /// </summary>
    public List<CodeMappingOptions> CodeMap { get; set; } = [];
}

/// <summary>One source code (any text, matched byte for byte) and its canonical category.</summary>
public sealed class CodeMappingOptions
{
    public string? Code { get; set; }

    public string? Category { get; set; }
}
