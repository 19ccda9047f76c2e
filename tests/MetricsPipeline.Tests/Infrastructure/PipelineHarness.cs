using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// A migrated warehouse, a PostgreSQL department database and a SQLite department file, all real,
/// plus the pipeline wired as the worker wires it, on a fake clock.
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset DefaultNow = new(2025, 3, 10, 4, 0, 0, TimeSpan.Zero); // noon in Beijing
    public static readonly string[] Units = ["C01", "T01", "T02", "V01", "V02"];

    public required string Warehouse { get; init; }
    public required string DepartmentDb { get; init; }
    public required string SqlitePath { get; init; }
    public required string Directory { get; init; }
    public FakeTimeProvider Clock { get; } = new(DefaultNow);
    public PipelineOptions Options { get; set; } = new();

    public string OrgUnitsPath => Path.Combine(Directory, "org_units.csv");

    public static async Task<PipelineHarness> CreateAsync(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mp-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var harness = new PipelineHarness
        {
            Warehouse = await TestPostgres.CreateWarehouseAsync(name),
            DepartmentDb = await TestPostgres.CreateDatabaseAsync(name + "_dept"),
            SqlitePath = Path.Combine(directory, "grid.db"),
            Directory = directory,
        };
        harness.WriteOrgUnits(Units);
        await harness.ExecuteSourceAsync("""
            CREATE SCHEMA oa;
            CREATE TABLE oa.documents (id serial PRIMARY KEY, unit_code text, doc_kind text, issued_at timestamptz, pages int, deleted boolean NOT NULL DEFAULT false);
            CREATE TABLE oa.meetings (id serial PRIMARY KEY, unit_code text, mode text, started_at timestamp, minutes int, attendees int);
            """);
        await harness.ExecuteSqliteAsync("""
            CREATE TABLE forms (id INTEGER PRIMARY KEY, unit_code TEXT, form_code TEXT, submitted_at TEXT, fields INTEGER);
            CREATE TABLE checkins (id INTEGER PRIMARY KEY, unit_code TEXT, kind TEXT, checked_at);
            """);
        harness.Options = harness.DefaultOptions();
        return harness;
    }

    public void WriteOrgUnits(IEnumerable<string> codes)
    {
        // C01 county > T01, T02 townships > V01, V02 villages of T01.
        var parents = new Dictionary<string, (string? Parent, string Level, int Headcount)>
        {
            ["C01"] = (null, "county", 400), ["T01"] = ("C01", "township", 60), ["T02"] = ("C01", "township", 50),
            ["V01"] = ("T01", "village", 8), ["V02"] = ("T01", "village", 6),
        };
        var lines = codes.Select(c => $"{c},Unit {c},{parents[c].Parent},{parents[c].Level},{parents[c].Headcount}");
        File.WriteAllLines(OrgUnitsPath, ["code,name,parent_code,level,headcount", .. lines]);
    }

    public PipelineOptions DefaultOptions() => new()
    {
        OrgUnits = OrgUnitsPath,
        History = new HistoryOptions { From = new DateOnly(2025, 1, 1) },
        Indicators = new IndicatorOptions { BasePeriod = "2024", Targets = [new TargetOptions { Category = "document.*", Reduction = 0.3m }] },
        Sources =
        [
            new SourceOptions
            {
                Name = "county-oa", Provider = "postgres", ConnectionString = DepartmentDb, TimeZone = "Asia/Shanghai", LookbackDays = 7,
                Streams =
                [
                    new StreamOptions
                    {
                        Name = "documents", Table = "oa.documents", Where = "deleted = false", Timestamp = "issued_at", TimestampKind = "utc",
                        Unit = "unit_code", Code = "doc_kind", Measures = new() { ["count"] = "*", ["pages"] = "pages" },
                        Categories = new() { ["RED"] = "document.formal", ["WHITE"] = "document.informal" },
                    },
                    new StreamOptions
                    {
                        Name = "meetings", Table = "oa.meetings", Timestamp = "started_at", TimestampKind = "local",
                        Unit = "unit_code", Code = "mode", Measures = new() { ["count"] = "*", ["minutes"] = "minutes", ["attendee_minutes"] = "minutes * attendees" },
                        Categories = new() { ["OFFLINE"] = "meeting.offline", ["ONLINE"] = "meeting.online" },
                    },
                ],
            },
            new SourceOptions
            {
                Name = "grid-app", Provider = "sqlite", ConnectionString = $"Data Source={SqlitePath}", TimeZone = "Asia/Shanghai", LookbackDays = 7,
                Streams =
                [
                    new StreamOptions
                    {
                        Name = "forms", Table = "forms", Timestamp = "submitted_at", TimestampKind = "offset", Unit = "unit_code", Code = "form_code",
                        Measures = new() { ["count"] = "*", ["fields"] = "fields" }, Categories = new() { ["F1"] = "report_form", ["F2"] = "report_form" },
                    },
                    new StreamOptions
                    {
                        Name = "checkins", Table = "checkins", Timestamp = "checked_at", TimestampKind = "local", Unit = "unit_code", Category = "check_in",
                    },
                ],
            },
        ],
    };

    public ServiceProvider BuildServices()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Warehouse"] = Warehouse })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddMetricsPipeline(configuration);
        services.AddSingleton<IOptions<PipelineOptions>>(Microsoft.Extensions.Options.Options.Create(Options));
        services.AddSingleton<TimeProvider>(Clock);
        return services.BuildServiceProvider();
    }

    public async Task<IReadOnlyList<SourceRunResult>> RunOnceAsync(string? source = null)
    {
        await using var services = BuildServices();
        return await services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.RunOnce, source, null, CancellationToken.None);
    }

    public async Task<IReadOnlyList<SourceRunResult>> BackfillAsync(DateOnly from, DateOnly to, string? source = null)
    {
        await using var services = BuildServices();
        return await services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.Backfill(from, to), source, null, CancellationToken.None);
    }

    public async Task ExecuteSourceAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(DepartmentDb);
        await connection.ExecuteAsync(sql, parameters);
    }

    public async Task ExecuteSqliteAsync(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={SqlitePath};Pooling=False");
        await connection.ExecuteAsync(sql, parameters);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(Warehouse);
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(Warehouse);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    /// <summary>A table's rows as text lines, in a stable order, for equality checks.</summary>
    public async Task<List<string>> SnapshotAsync(string table, string columns = "*")
    {
        await using var connection = new NpgsqlConnection(Warehouse);
        var rows = await connection.QueryAsync<string>($"SELECT t::text FROM (SELECT {columns} FROM {table}) t ORDER BY 1");
        return rows.ToList();
    }

    /// <summary>Value of one fact, or null when there is no row.</summary>
    public Task<decimal?> FactAsync(string stream, string unit, string category, string measure, DateOnly day) =>
        ScalarAsync<decimal?>("SELECT value FROM facts.daily WHERE stream = @stream AND unit_code = @unit AND category = @category AND measure = @measure AND day = @day",
            new { stream, unit, category, measure, day });

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
