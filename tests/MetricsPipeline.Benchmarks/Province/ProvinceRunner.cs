using System.Globalization;
using System.Text.Json;
using MetricsPipeline.Normalize;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Benchmarks.Province;

/// <summary>
/// --province CODE: one real province's org tree, its three department databases, the backfill through the
/// real pipeline (child process), the postgres_fdw reference on the PostgreSQL source, the warehouse's
/// size, the query latencies of the public surface, one service round, and the targets of issue 9.
/// </summary>
internal static class ProvinceRunner
{
    private const string VillageAppDb = "bench_village_app";
    private const string TownshipOaDb = "bench_township_oa";
    private const string WarehouseDb = "bench_wh";
    private const string ReferenceDb = "bench_ref";

    // Issue 9's targets for a province (set for 37, Shandong; checked at any province).
    private const double EndToEndTarget = 1.5;
    private const double RoundTargetSeconds = 1.0;
    private const double RssTargetMb = 300;
    private const double MonthlySeriesP95Ms = 100;
    private const double TownshipsOfCountyP95Ms = 300;
    private const double AllTownshipsP95Ms = 2000;

    public static async Task<int> RunAsync(BenchmarkArguments args, Func<string, Task<PipelineResult>> runChild, Func<string, BenchmarkArguments, Task> printMachine)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var province = args.Province!;
        var admin = args.AdminConnectionString;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(ProvinceShape.TimeZone);
        var today = LocalCalendar.Today(TimeProvider.System, zone);
        var lastDay = today.AddDays(-1);
        var firstDay = today.AddYears(-args.Years);
        var workDir = Directory.CreateTempSubdirectory("mp-bench-province-").FullName;
        try
        {
            await printMachine(admin, args);

            // 1. The tree.
            var units = ProvinceTree.Map(ProvinceTree.Read(args.ChinaDivision!), province);
            var perLevel = units.Skip(1).GroupBy(u => u.Level).ToDictionary(g => g.Key, g => g.Count());
            var orgUnits = Path.Combine(workDir, "org_units.csv");
            ProvinceTree.WriteOrgUnits(orgUnits, units);
            var probes = ProvinceTree.Probes(units);
            Console.WriteLine();
            Console.WriteLine($"=== province {province} {units[0].Name}: {units.Count:N0} units (root, {Count(perLevel, "city")} cities, {Count(perLevel, "county")} counties, " +
                              $"{Count(perLevel, "township")} townships, {Count(perLevel, "village")} villages), headcount {units.Sum(u => (long)u.Headcount):N0}; " +
                              $"{firstDay:yyyy-MM-dd} .. {lastDay:yyyy-MM-dd} ({ProvinceShape.TimeZone}) ===");
            Console.WriteLine("event shape (per unit; weekly = one random work day of each ISO week inside the history):");
            foreach (var kind in ProvinceShape.Kinds)
                Console.WriteLine($"  {kind.Level,-9} {kind.Source + "/" + kind.Stream,-26} {kind.Code,-9} {kind.Category,-18} {kind.PerUnit,3} {(kind.Cadence == Cadence.Daily ? "per day " : "per week")}" +
                                  $" {ProvinceShape.Events(kind, perLevel, firstDay, lastDay),14:N0} events");
            var expected = ProvinceShape.TotalEvents(perLevel, firstDay, lastDay);
            Console.WriteLine($"  total {expected,67:N0} events");

            // 2. The three sources.
            var villages = units.Where(u => u.Level == "village").Select(u => u.Code).ToList();
            var villageApp = Database.ConnectionString(admin, VillageAppDb);
            Console.WriteLine($"generating village-app (PostgreSQL {VillageAppDb}, INSERT … SELECT … generate_series) …");
            var t1 = await ProvinceGenerator.VillageAppAsync(admin, VillageAppDb, villages, firstDay, lastDay);
            Console.WriteLine($"  {t1.TotalSeconds:F1} s");
            Console.WriteLine($"generating township-oa (MariaDB {TownshipOaDb}, INSERT … SELECT over the sequence engine) …");
            var t2 = await ProvinceGenerator.TownshipOaAsync(args.MariaDb!, TownshipOaDb, units.Where(u => u.Level == "township").Select(u => u.Code).ToList(), firstDay, lastDay);
            Console.WriteLine($"  {t2.TotalSeconds:F1} s");
            var countyOffice = Path.Combine(workDir, "county_office.sqlite");
            Console.WriteLine("generating county-office (SQLite file, one transaction) …");
            var t3 = ProvinceGenerator.CountyOffice(countyOffice, units.Where(u => u.Level == "county").Select(u => u.Code).ToList(), firstDay, lastDay);
            Console.WriteLine($"  {t3.TotalSeconds:F1} s (generation is not part of any figure)");

            // 3. A fresh warehouse, the backfill and the service round in the child.
            await Database.RecreateAsync(admin, WarehouseDb);
            var warehouse = Database.ConnectionString(admin, WarehouseDb);
            await using (var dataSource = NpgsqlDataSource.Create(warehouse))
                await new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None);
            var townshipOa = new MySqlConnector.MySqlConnectionStringBuilder(args.MariaDb!) { Database = TownshipOaDb }.ConnectionString;
            var lateEvents = Math.Max(1, villages.Count / 10);
            var spec = new PipelineSpec(warehouse, villageApp, orgUnits, firstDay, today, 0, false, args.QueryTimeout,
                new ProvinceSpec(villageApp, townshipOa, countyOffice, lastDay, lateEvents));
            var specFile = Path.Combine(workDir, "pipeline-spec.json");
            await File.WriteAllTextAsync(specFile, JsonSerializer.Serialize(spec));
            Console.WriteLine($"pipeline: backfill {firstDay:yyyy-MM-dd} .. {today:yyyy-MM-dd}, 3 sources one after another, monthly windows (child process, load average {LoadAverage()}) …");
            var pipeline = await runChild(specFile);

            long factRows; decimal countSum; long quarantine;
            await using (var wh = new NpgsqlConnection(warehouse))
            {
                await wh.OpenAsync();
                factRows = await Database.ScalarAsync<long>(wh, "SELECT count(*) FROM facts.daily");
                countSum = await Database.ScalarAsync<decimal>(wh, "SELECT coalesce(sum(value), 0) FROM facts.daily WHERE measure = 'count'");
                quarantine = await Database.ScalarAsync<long>(wh, "SELECT coalesce(sum(row_count), 0) FROM ops.quarantine");
            }

            // 4. The reference on the same PostgreSQL data (village-app, late rows included).
            FdwResult? fdw = null, fdwPushdown = null;
            if (!args.SkipReferences)
            {
                var codes = ProvinceShape.Kinds.Where(k => k.Source == ProvinceShape.VillageApp).Select(k => KeyValuePair.Create(k.Code, k.Category)).ToList();
                await Database.RecreateAsync(admin, ReferenceDb);
                await References.SetUpFdwAsync(admin, ReferenceDb, VillageAppDb, args.FdwFetchSize);
                Console.WriteLine($"reference (a): postgres_fdw INSERT … SELECT … GROUP BY on village-app, AT TIME ZONE '{ProvinceShape.TimeZone}' (load average {LoadAverage()}) …");
                fdw = await References.PostgresFdwAsync(admin, ReferenceDb, "fdw_facts", codes, false, false, ProvinceShape.VillageApp, "events");
                await DropAsync(admin, "fdw_facts"); // a copy of the facts: Shandong's is gigabytes
                Console.WriteLine($"reference (a'): the same with AT TIME ZONE INTERVAL '+08:00', aggregate pushed down (load average {LoadAverage()}) …");
                fdwPushdown = await References.PostgresFdwAsync(admin, ReferenceDb, "fdw_facts_pushdown", codes, false, true, ProvinceShape.VillageApp, "events");
                await DropAsync(admin, "fdw_facts_pushdown");
            }

            // 5. Size and queries.
            var sizes = await WarehouseSize.MeasureAsync(warehouse);
            var queries = await QueryTimer.CollectAsync(warehouse, args.Repository!, probes, DateTimeOffset.UtcNow);
            Console.WriteLine($"queries: {queries.Count} (Grafana panels × units, sql/analyst, one ranking), each 1 warm-up + {args.QueryRuns} runs (load average {LoadAverage()}) …");
            var done = 0;
            var timings = await QueryTimer.TimeAsync(warehouse, queries, args.QueryRuns, t =>
                Console.Error.WriteLine($"  query {++done,2}/{queries.Count} {t.Query.Group} {t.Query.Name} ({t.Query.Unit}): " +
                                        (t.Error is null ? $"p95 {t.P95Ms:F1} ms" : "ERROR " + t.Error)));

            var figures = new ProvinceFigures(province, units.Count, expected, pipeline, factRows, countSum, quarantine, fdw, fdwPushdown, sizes, timings, probes);
            return ProvinceReport.Print(figures, new Targets(EndToEndTarget, RoundTargetSeconds, RssTargetMb, MonthlySeriesP95Ms, TownshipsOfCountyP95Ms, AllTownshipsP95Ms));
        }
        finally
        {
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { }
            try { await DropMariaDbAsync(args.MariaDb); } catch (MySqlConnector.MySqlException) { }
        }
    }

    private static async Task DropAsync(string admin, string table)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, ReferenceDb));
        await connection.OpenAsync();
        await Database.ExecuteAsync(connection, $"DROP TABLE {table}");
    }

    private static int Count(Dictionary<string, int> perLevel, string level) => perLevel.TryGetValue(level, out var n) ? n : 0;

    private static async Task DropMariaDbAsync(string? server)
    {
        if (server is null) return;
        await using var connection = new MySqlConnector.MySqlConnection(server);
        await connection.OpenAsync();
        await using var command = new MySqlConnector.MySqlCommand($"DROP DATABASE IF EXISTS `{TownshipOaDb}`", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

internal sealed record Targets(double EndToEnd, double RoundSeconds, double RssMb, double MonthlySeriesMs, double TownshipsOfCountyMs, double AllTownshipsMs);

internal sealed record ProvinceFigures(
    string Province, int Units, long ExpectedEvents, PipelineResult Pipeline, long FactRows, decimal CountSum, long Quarantined,
    FdwResult? Fdw, FdwResult? FdwPushdown, IReadOnlyList<RelationSize> Sizes, IReadOnlyList<QueryTiming> Queries, ProbeUnits Probes);
