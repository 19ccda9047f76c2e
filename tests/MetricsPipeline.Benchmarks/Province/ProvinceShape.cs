using System.Globalization;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Benchmarks.Province;

public enum Cadence { Daily, Weekly }

/// <summary>
/// One kind of event: which units of which level it falls on, how often (per unit, per day or per work
/// week), and where it lives (source, stream, code). The source tables are the generator's; the pipeline
/// reads them through <see cref="ProvinceShape.Options"/>.
/// </summary>
internal sealed record EventKind(string Level, string Source, string Stream, string Code, string Category, Cadence Cadence, int PerUnit);

/// <summary>
/// The province benchmark's event shape, stated in README: three departments' databases of three providers.
///   village-app (PostgreSQL): villages check in daily and get weekly forms and data requests;
///   township-oa (MariaDB): townships receive documents (formal, informal; pages), hold meetings
///                          (offline, online; minutes, attendees) and are inspected (on site, remote);
///   county-office (SQLite file): counties issue documents (pages) and tasks.
/// A daily event happens on every day of the history (check-in apps do not stop at weekends); a weekly one
/// on a random work day (Mon–Fri) of every ISO week whose five work days lie inside the history.
/// </summary>
internal static class ProvinceShape
{
    public const string TimeZone = "Asia/Shanghai";
    public const string VillageApp = "village-app";
    public const string TownshipOa = "township-oa";
    public const string CountyOffice = "county-office";

    public static readonly IReadOnlyList<EventKind> Kinds =
    [
        new("village", VillageApp, "events", "CHECKIN", "check_in", Cadence.Daily, 1),
        new("village", VillageApp, "events", "FORM", "report_form", Cadence.Weekly, 1),
        new("village", VillageApp, "events", "DATAREQ", "data_request", Cadence.Weekly, 1),
        new("township", TownshipOa, "documents", "FORMAL", "document.formal", Cadence.Weekly, 3),
        new("township", TownshipOa, "documents", "INFORMAL", "document.informal", Cadence.Weekly, 5),
        new("township", TownshipOa, "meetings", "OFFLINE", "meeting.offline", Cadence.Weekly, 2),
        new("township", TownshipOa, "meetings", "ONLINE", "meeting.online", Cadence.Weekly, 2),
        new("township", TownshipOa, "inspections", "ONSITE", "inspection.onsite", Cadence.Weekly, 1),
        new("township", TownshipOa, "inspections", "REMOTE", "inspection.remote", Cadence.Weekly, 1),
        new("county", CountyOffice, "documents", "DOC", "document.formal", Cadence.Weekly, 8),
        new("county", CountyOffice, "tasks", "TASK", "task.issued", Cadence.Weekly, 12),
    ];

    /// <summary>The Mondays of the ISO weeks whose Monday..Friday lie within [from, to].</summary>
    public static IReadOnlyList<DateOnly> WorkWeeks(DateOnly from, DateOnly to)
    {
        var monday = from.AddDays(((int)DayOfWeek.Monday - (int)from.DayOfWeek + 7) % 7);
        var weeks = new List<DateOnly>();
        for (; monday.AddDays(4) <= to; monday = monday.AddDays(7))
            weeks.Add(monday);
        return weeks;
    }

    public static long Periods(Cadence cadence, DateOnly from, DateOnly to) => cadence switch
    {
        Cadence.Daily => to.DayNumber - from.DayNumber + 1,
        Cadence.Weekly => WorkWeeks(from, to).Count,
        _ => throw new ArgumentOutOfRangeException(nameof(cadence)),
    };

    /// <summary>Events of one kind over [from, to]: units of its level × periods × events per unit and period.</summary>
    public static long Events(EventKind kind, IReadOnlyDictionary<string, int> unitsPerLevel, DateOnly from, DateOnly to) =>
        (unitsPerLevel.TryGetValue(kind.Level, out var units) ? units : 0) * Periods(kind.Cadence, from, to) * kind.PerUnit;

    public static long TotalEvents(IReadOnlyDictionary<string, int> unitsPerLevel, DateOnly from, DateOnly to) =>
        Kinds.Sum(k => Events(k, unitsPerLevel, from, to));

    /// <summary>The pipeline's configuration for the three sources, as an operator would write it.</summary>
    public static PipelineOptions Options(PipelineSpec spec, ProvinceSpec province)
    {
        var history = new HistoryOptions { From = spec.HistoryFrom, ChunkMonths = 1 };
        SourceOptions Source(string name, string provider, string connection, List<StreamOptions> streams) => new()
        {
            Name = name, Provider = provider, ConnectionString = connection, TimeZone = TimeZone, LookbackDays = 0,
            QueryTimeout = spec.QueryTimeout ?? new SourceOptions().QueryTimeout,
            Resilience = new ResilienceOptions
            {
                AttemptTimeout = spec.QueryTimeout is { } limit && limit < new ResilienceOptions().AttemptTimeout
                    ? limit : new ResilienceOptions().AttemptTimeout,
            },
            Streams = streams,
        };
        Dictionary<string, string> Codes(string source, string stream) =>
            Kinds.Where(k => k.Source == source && k.Stream == stream).ToDictionary(k => k.Code, k => k.Category);
        StreamOptions Stream(string source, string name, string table, string timestamp, string kind, Dictionary<string, string> measures) => new()
        {
            Name = name, Table = table, Timestamp = timestamp, TimestampKind = kind, Unit = "unit_code", Code = "code",
            Measures = measures, Categories = Codes(source, name),
        };
        return new PipelineOptions
        {
            OrgUnits = spec.OrgUnits,
            History = history,
            // The first calendar year the history covers whole: a base year with one month of data would
            // withhold every comparison for insufficient coverage.
            Indicators = new IndicatorOptions { BasePeriod = BaseYear(spec.HistoryFrom).ToString(CultureInfo.InvariantCulture) },
            // One source at a time: moderate on a shared machine, and the per-window timings assume it.
            MaxParallelSources = 1,
            Sources =
            [
                Source(VillageApp, "postgres", province.VillageApp,
                [
                    Stream(VillageApp, "events", "public.events", "occurred_at", "utc", new() { ["count"] = "*" }),
                ]),
                Source(TownshipOa, "mysql", province.TownshipOa,
                [
                    Stream(TownshipOa, "documents", "documents", "received_at", "local", new() { ["count"] = "*", ["pages"] = "pages" }),
                    Stream(TownshipOa, "meetings", "meetings", "started_at", "local",
                        new() { ["count"] = "*", ["minutes"] = "minutes", ["attendee_minutes"] = "minutes * attendees" }),
                    Stream(TownshipOa, "inspections", "inspections", "started_at", "local", new() { ["count"] = "*" }),
                ]),
                Source(CountyOffice, "sqlite", $"Data Source={province.CountyOffice}",
                [
                    Stream(CountyOffice, "documents", "documents", "issued_at", "local", new() { ["count"] = "*", ["pages"] = "pages" }),
                    Stream(CountyOffice, "tasks", "tasks", "issued_at", "local", new() { ["count"] = "*" }),
                ]),
            ],
        };
    }

    public static int BaseYear(DateOnly historyFrom) => historyFrom.DayOfYear == 1 ? historyFrom.Year : historyFrom.Year + 1;
}

/// <summary>Where the province benchmark's three sources are, and the service round the child times after the backfill.</summary>
internal sealed record ProvinceSpec(string VillageApp, string TownshipOa, string CountyOffice, DateOnly RoundDay, int RoundLateEvents);
