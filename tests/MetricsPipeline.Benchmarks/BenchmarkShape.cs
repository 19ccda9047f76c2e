using System.Globalization;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Benchmarks;

/// <summary>
/// What the parent hands the pipeline child (as a JSON file): where the databases are and the shape of the
/// data. The child builds the pipeline configuration from it, in code, as the tests' harness does.
/// </summary>
internal sealed record PipelineSpec(
    string Warehouse, string Source, string OrgUnits, DateOnly HistoryFrom, DateOnly BackfillTo, int Codes, bool Pages, TimeSpan? QueryTimeout,
    Province.ProvinceSpec? Province = null);

/// <summary>The benchmark's one source, its stream and the code map, shared by generator, pipeline and references.</summary>
internal static class BenchmarkShape
{
    public const string SourceName = "bench";
    public const string StreamName = "events";
    public const string TimeZone = "Asia/Shanghai";

    /// <summary>C1..C8 map to these; further codes wrap around the flow categories of the taxonomy.</summary>
    public static readonly string[] Categories =
    [
        "document.formal", "document.informal", "meeting.offline", "meeting.online",
        "inspection.onsite", "data_request", "report_form", "check_in",
        "inspection.remote", "task.issued", "task.received",
    ];

    public static string Code(int i) => "C" + i.ToString(CultureInfo.InvariantCulture);

    public static string CategoryOf(int code) => Categories[(code - 1) % Categories.Length];

    public static string UnitCode(int i, int units) =>
        "U" + i.ToString(CultureInfo.InvariantCulture).PadLeft(Math.Max(4, units.ToString(CultureInfo.InvariantCulture).Length), '0');

    public static PipelineOptions Options(PipelineSpec spec)
    {
        var measures = new Dictionary<string, string> { ["count"] = "*" };
        if (spec.Pages)
            measures["pages"] = "pages";
        return new PipelineOptions
        {
            OrgUnits = spec.OrgUnits,
            History = new HistoryOptions { From = spec.HistoryFrom, ChunkMonths = 1 },
            Indicators = new IndicatorOptions { BasePeriod = spec.HistoryFrom.Year.ToString(CultureInfo.InvariantCulture) },
            MaxParallelSources = 1,
            Sources =
            [
                new SourceOptions
                {
                    Name = SourceName, Provider = "postgres", ConnectionString = spec.Source, TimeZone = TimeZone, LookbackDays = 0,
                    // The pipeline's default (10 minutes per window) unless --query-timeout says otherwise.
                    QueryTimeout = spec.QueryTimeout ?? new SourceOptions().QueryTimeout,
                    // An attempt may not outlast the window: a shorter --query-timeout shortens the attempt timeout too.
                    Resilience = new ResilienceOptions
                    {
                        AttemptTimeout = spec.QueryTimeout is { } limit && limit < new ResilienceOptions().AttemptTimeout
                            ? limit
                            : new ResilienceOptions().AttemptTimeout,
                    },
                    Streams =
                    [
                        new StreamOptions
                        {
                            Name = StreamName, Table = "public.events", Timestamp = "occurred_at", TimestampKind = "utc",
                            Unit = "unit_code", Code = "code", Measures = measures,
                            Categories = Enumerable.Range(1, spec.Codes).ToDictionary(Code, CategoryOf),
                        },
                    ],
                },
            ],
        };
    }
}
