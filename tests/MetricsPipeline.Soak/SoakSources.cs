using System.Text.Json;
using MetricsPipeline.Configuration;
using Microsoft.Data.Sqlite;

namespace MetricsPipeline.Soak;

/// <summary>
/// The department side of the soak: one small SQLite file per source (recent check-ins, so every run pulls a
/// real window), the org-units file, and the worker's configuration with one cron per source.
/// </summary>
internal static class SoakSources
{
    private static readonly string[] Units = ["C01", "T01", "T02", "V01", "V02"];

    public static string WriteAll(SoakArguments arguments, string directory, string warehouse, int metricsPort)
    {
        File.WriteAllLines(Path.Combine(directory, "org_units.csv"),
        [
            "code,name,parent_code,level,headcount", "C01,County,,county,400", "T01,Township 1,C01,township,60",
            "T02,Township 2,C01,township,50", "V01,Village 1,T01,village,8", "V02,Village 2,T01,village,6",
        ]);
        var sources = Enumerable.Range(0, arguments.Sources).Select(i => Source(arguments, directory, i)).ToList();
        var pipeline = new PipelineOptions
        {
            OrgUnits = Path.Combine(directory, "org_units.csv"),
            History = new HistoryOptions { From = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2) },
            MaxParallelSources = 4,
            Sources = sources,
        };
        var config = new Dictionary<string, object>
        {
            ["ConnectionStrings"] = new { Warehouse = warehouse },
            ["Pipeline"] = pipeline,
            ["Scheduler"] = new { MaxConcurrentSources = arguments.Threads },
            ["Metrics"] = new { Port = metricsPort },
            ["Logging"] = new { LogLevel = new { Default = "Information", Quartz = "Warning" } },
        };
        var path = Path.Combine(directory, "soak.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    /// <summary>The second of the minute source i first fires at: spread evenly over the interval unless --same-second.</summary>
    public static int Offset(SoakArguments arguments, int i) => arguments.SameSecond ? 0 : i % arguments.IntervalSeconds;

    public static string Name(int i) => $"dept-{i:D3}";

    // Quartz accepts a step only below the field's range: once a minute is a plain second.
    private static string Cron(SoakArguments arguments, int i) => arguments.IntervalSeconds == 60
        ? $"{Offset(arguments, i)} * * * * ?"
        : $"{Offset(arguments, i)}/{arguments.IntervalSeconds} * * * * ?";

    private static SourceOptions Source(SoakArguments arguments, string directory, int i)
    {
        var path = Path.Combine(directory, $"{Name(i)}.db");
        File.Delete(path); // a reused --dir starts over
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE checkins (id INTEGER PRIMARY KEY, unit_code TEXT, checked_at TEXT);
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99)
                INSERT INTO checkins (unit_code, checked_at)
                SELECT (CASE i % 5 WHEN 0 THEN 'C01' WHEN 1 THEN 'T01' WHEN 2 THEN 'T02' WHEN 3 THEN 'V01' ELSE 'V02' END),
                       datetime('now', '+8 hours', '-' || (i * 37 + {i}) || ' minutes')
                FROM n;
                """;
            command.ExecuteNonQuery();
        }
        return new SourceOptions
        {
            Name = Name(i), Provider = "sqlite", ConnectionString = $"Data Source={path}",
            Schedule = Cron(arguments, i), TimeZone = "Asia/Shanghai", LookbackDays = 1,
            Streams = [new StreamOptions { Name = "checkins", Table = "checkins", Timestamp = "checked_at", TimestampKind = "local", Unit = "unit_code", Category = "check_in" }],
        };
    }
}
