using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Samples;

/// <summary>
/// Writes appsettings.demo.json for the generated sources by serialising the pipeline's own options
/// classes, so a renamed property breaks this build instead of silently producing a stale file.
/// ConnectionStrings:Warehouse is left out on purpose: it comes from the environment.
/// </summary>
public static class DemoSettingsWriter
{
    private const string Schedule = "0 0/15 * * * ?";
    private const string TimeZone = "Asia/Shanghai";
    private const string BurdenNotice2019 =
        "2019 notice on reducing burdens at the grassroots: documents and meetings −30–50% vs 2018";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep − and Chinese readable in a file people edit
    };

    public static void Write(SampleSettings settings, string oaConnectionString, string gridConnectionString)
    {
        var pipeline = new PipelineOptions
        {
            OrgUnits = settings.OrgUnitsPath,
            History = new HistoryOptions { From = new DateOnly(2024, 1, 1) },
            Indicators = new IndicatorOptions
            {
                BasePeriod = "2024",
                Targets =
                [
                    new TargetOptions { Category = "document.*", Reduction = 0.30m, PublicSource = BurdenNotice2019 },
                    new TargetOptions { Category = "meeting.*", Reduction = 0.30m, PublicSource = BurdenNotice2019 },
                ],
            },
            Sources = [CountyOa(oaConnectionString), GridApp(gridConnectionString)],
        };
        var document = new Dictionary<string, object> { [PipelineOptions.SectionName] = pipeline };
        // The file holds the reader's password: readable by its owner only, from its first byte.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(settings.DemoSettingsPath, new System.Text.UTF8Encoding(false), options))
            file.Write(JsonSerializer.Serialize(document, Json) + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(settings.DemoSettingsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static SourceOptions CountyOa(string connectionString) => Source("county-oa", "postgres", connectionString,
        new StreamOptions
        {
            Name = "documents", Table = "oa.documents", Where = "deleted = false",
            Timestamp = "issued_at", TimestampKind = "utc", Unit = "unit_code", Code = "doc_kind",
            Measures = new() { ["count"] = "*", ["pages"] = "pages" },
            Categories = new() { [DepartmentCodes.FormalDocument] = "document.formal", [DepartmentCodes.InformalDocument] = "document.informal" },
        },
        new StreamOptions
        {
            Name = "meetings", Table = "oa.meetings",
            Timestamp = "started_at", TimestampKind = "local", Unit = "unit_code", Code = "mode",
            Measures = new() { ["count"] = "*", ["minutes"] = "minutes", ["attendee_minutes"] = "minutes * attendees" },
            Categories = new() { ["OFFLINE"] = "meeting.offline", ["ONLINE"] = "meeting.online" },
        });

    private static SourceOptions GridApp(string connectionString) => Source("grid-app", "sqlite", connectionString,
        new StreamOptions
        {
            Name = "checkins", Table = "checkins",
            Timestamp = "checked_at", TimestampKind = "local", Unit = "unit_code", Code = "kind",
            Measures = new() { ["count"] = "*" },
            Categories = new() { [DepartmentCodes.CheckIn] = "check_in", [DepartmentCodes.PhotoUpload] = "check_in" },
        },
        new StreamOptions
        {
            Name = "forms", Table = "forms",
            Timestamp = "submitted_at", TimestampKind = "offset", Unit = "unit_code", Code = "form_code",
            Measures = new() { ["count"] = "*", ["fields"] = "fields" },
            Categories = new() { ["F1"] = "report_form", ["F2"] = "report_form" },
        });

    private static SourceOptions Source(string name, string provider, string connectionString, params StreamOptions[] streams) => new()
    {
        Name = name,
        Provider = provider,
        ConnectionString = connectionString,
        Schedule = Schedule,
        TimeZone = TimeZone,
        LookbackDays = 7,
        Streams = [.. streams],
    };
}
