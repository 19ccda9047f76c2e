using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetricsPipeline.Normalize;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Benchmarks;

/// <summary>The parent process: data, fresh warehouse, the pipeline child, the references, the figures.</summary>
internal static class BenchmarkRunner
{
    private const string SourceDb = "bench_source";
    private const string WarehouseDb = "bench_wh";
    private const string ReferenceDb = "bench_ref";

    private const double WallTarget = 1.3;
    private const long RssTargetMb = 300;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var admin = args.AdminConnectionString;
        var sizes = args.ScaleCheck ? new[] { Math.Max(1, args.Events / 10), args.Events } : [args.Events];
        var workDir = Directory.CreateTempSubdirectory("mp-bench-").FullName;
        try
        {
            await PrintMachineAsync(admin, args);
            var runs = new List<RunFigures>();
            foreach (var events in sizes)
                runs.Add(await RunOneAsync(args, events, workDir));
            PrintSummary(runs, args);
            return runs.All(r => r.Pipeline.Error is null) ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>--province CODE: see <see cref="Province.ProvinceRunner"/>; the child and the machine header are this class's.</summary>
    public static Task<int> RunProvinceAsync(BenchmarkArguments args) =>
        Province.ProvinceRunner.RunAsync(args, RunChildAsync, PrintMachineAsync);

    private static async Task<RunFigures> RunOneAsync(BenchmarkArguments args, long events, string workDir)
    {
        var admin = args.AdminConnectionString;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(BenchmarkShape.TimeZone);
        var today = LocalCalendar.Today(TimeProvider.System, zone);
        var lastDay = today.AddDays(-1);
        var firstDay = today.AddYears(-args.Years);
        var measures = args.Pages ? "count, pages" : "count";

        Console.WriteLine();
        Console.WriteLine($"=== N = {events:N0} events: {args.Units:N0} units, {args.Codes} codes, {args.Years} years " +
                          $"({firstDay:yyyy-MM-dd} .. {lastDay:yyyy-MM-dd}, {BenchmarkShape.TimeZone}), measures {measures} ===");

        // 1. The source, generated on the server.
        Console.WriteLine($"generating {SourceDb} on the server (INSERT … SELECT … generate_series) …");
        var generated = await SourceGenerator.CreateSourceAsync(admin, SourceDb, events, args.Units, args.Codes, firstDay, lastDay);
        var orgUnits = Path.Combine(workDir, "org_units.csv");
        SourceGenerator.WriteOrgUnits(orgUnits, args.Units);
        long sourceBytes;
        await using (var source = new NpgsqlConnection(Database.ConnectionString(admin, SourceDb)))
        {
            await source.OpenAsync();
            sourceBytes = await Database.ScalarAsync<long>(source, "SELECT pg_total_relation_size('events')");
        }
        Console.WriteLine($"  generated in {generated.TotalSeconds:F1} s (not part of any figure); events table + index {sourceBytes / 1048576.0:N0} MB");

        // 2. A freshly migrated warehouse.
        await Database.RecreateAsync(admin, WarehouseDb);
        var warehouse = Database.ConnectionString(admin, WarehouseDb);
        await using (var dataSource = NpgsqlDataSource.Create(warehouse))
            await new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        // 3. The pipeline, in a child process.
        if (args.Profile) await StatStatements.ResetAsync(admin);
        var spec = new PipelineSpec(warehouse, Database.ConnectionString(admin, SourceDb), orgUnits, firstDay, today, args.Codes, args.Pages, args.QueryTimeout);
        var specFile = Path.Combine(workDir, "pipeline-spec.json");
        await File.WriteAllTextAsync(specFile, JsonSerializer.Serialize(spec));
        Console.WriteLine($"pipeline: backfill {firstDay:yyyy-MM-dd} .. {today:yyyy-MM-dd} in monthly windows (child process, load average {LoadAverage()}) …");
        var pipeline = await RunChildAsync(specFile);
        var profile = args.Profile ? await StatStatements.TopAsync(admin, 25) : [];

        long factRows; decimal countSum; long quarantine;
        await using (var wh = new NpgsqlConnection(warehouse))
        {
            await wh.OpenAsync();
            factRows = await Database.ScalarAsync<long>(wh, "SELECT count(*) FROM facts.daily");
            countSum = await Database.ScalarAsync<decimal>(wh, "SELECT coalesce(sum(value), 0) FROM facts.daily WHERE measure = 'count'");
            quarantine = await Database.ScalarAsync<long>(wh, "SELECT coalesce(sum(row_count), 0) FROM ops.quarantine");
        }

        // 4. The references on the same data.
        FdwResult? fdw = null, fdwPushdown = null;
        CopyResult? copy = null;
        if (!args.SkipReferences)
        {
            await Database.RecreateAsync(admin, ReferenceDb);
            await References.SetUpFdwAsync(admin, ReferenceDb, SourceDb, args.FdwFetchSize);
            Console.WriteLine($"reference (a): postgres_fdw INSERT … SELECT … GROUP BY, AT TIME ZONE '{BenchmarkShape.TimeZone}' (fetch_size {args.FdwFetchSize}, load average {LoadAverage()}) …");
            fdw = await References.PostgresFdwAsync(admin, ReferenceDb, "fdw_facts", args.Codes, args.Pages, fixedOffset: false);
            Console.WriteLine($"reference (a'): the same with AT TIME ZONE INTERVAL '+08:00', aggregate pushed down (load average {LoadAverage()}) …");
            fdwPushdown = await References.PostgresFdwAsync(admin, ReferenceDb, "fdw_facts_pushdown", args.Codes, args.Pages, fixedOffset: true);
            Console.WriteLine($"reference (b): binary COPY of {factRows:N0} rows into an unindexed table (load average {LoadAverage()}) …");
            copy = await References.BinaryCopyAsync(admin, ReferenceDb, factRows, args.Units, args.Codes, firstDay);
        }

        var figures = new RunFigures(events, pipeline, factRows, countSum, quarantine, fdw, fdwPushdown, copy);
        PrintRun(figures, profile);
        return figures;
    }

    private static async Task<PipelineResult> RunChildAsync(string specFile)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's path");
        var start = new ProcessStartInfo { FileName = self, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(BenchmarkRunner).Assembly.Location);
        foreach (var a in new[] { "--phase", "pipeline", "--spec", specFile })
            start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("the pipeline child did not start");
        PipelineResult? result = null;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(PipelinePhase.ResultPrefix, StringComparison.Ordinal))
                result = JsonSerializer.Deserialize<PipelineResult>(line[PipelinePhase.ResultPrefix.Length..]);
            else
                Console.WriteLine(line);
        }
        await child.WaitForExitAsync();
        return result ?? throw new InvalidOperationException($"the pipeline child exited with {child.ExitCode} and no result");
    }

    private static void PrintRun(RunFigures f, List<string> profile)
    {
        var p = f.Pipeline;
        Console.WriteLine();
        Console.WriteLine($"--- figures, N = {f.Events:N0} ---");
        if (p.Error is not null)
            Console.WriteLine($"PIPELINE FAILED: {p.Error}");
        Console.WriteLine($"pipeline backfill: {p.Windows} windows, {p.SourceRows:N0} events read, {p.FactSourceRows:N0} as facts, {p.QuarantinedRows:N0} quarantined");
        Console.WriteLine($"  wall time          {p.WallSeconds,10:F1} s   (PipelineRunner.RunAsync, reference sync and indicator refresh included, process start excluded)");
        Console.WriteLine($"    of which load    {p.WallSeconds - p.RefreshSeconds,10:F1} s   (windows: extract, normalize, write facts)");
        Console.WriteLine($"    of which refresh {p.RefreshSeconds,10:F1} s   (indicators of the whole backfill, one marts.refresh_queued() after the last window)");
        Console.WriteLine($"  source events/s    {f.Events / p.WallSeconds,10:N0}");
        Console.WriteLine($"  fact rows          {f.FactRows,10:N0}   (facts.daily; {p.FactsWritten:N0} written by the windows)");
        Console.WriteLine($"  fact rows/s        {f.FactRows / p.WallSeconds,10:N0}");
        Console.WriteLine($"  peak RSS (VmHWM)   {p.VmHwmKb / 1024.0,10:N0} MB   (pipeline child; {p.VmHwmReadyKb / 1024.0:N0} MB before the run, {p.VmRssEndKb / 1024.0:N0} MB at the end)");
        Console.WriteLine($"  managed allocation {p.AllocatedBytes / 1048576.0,10:N0} MB   ({p.AllocatedBytes / (double)Math.Max(1, p.FactsWritten):N0} B per fact row; GCs gen0/1/2 {p.Gen0}/{p.Gen1}/{p.Gen2}, {(p.ServerGc ? "server" : "workstation")} GC)");
        var fdws = new[] { f.Fdw, f.FdwPushdown }.OfType<FdwResult>().ToList();
        var check = f.CountSum == f.Events && f.Quarantined == 0 && fdws.All(x => x.Rows == f.FactRows && x.CountSum == f.CountSum);
        Console.WriteLine($"  check              sum(count) = {f.CountSum:N0}, quarantined {f.Quarantined:N0}" +
                          string.Concat(fdws.Select(x => $", fdw rows {x.Rows:N0} / sum {x.CountSum:N0}")) + (check ? "  -> consistent" : "  -> MISMATCH"));

        foreach (var (fdw, label) in new[] { (f.Fdw, $"(a)  postgres_fdw INSERT … SELECT … GROUP BY, AT TIME ZONE '{BenchmarkShape.TimeZone}'"),
                                             (f.FdwPushdown, "(a') postgres_fdw, AT TIME ZONE INTERVAL '+08:00' (same days)") })
        {
            if (fdw is null) continue;
            Console.WriteLine($"reference {label}");
            Console.WriteLine($"  wall time          {fdw.Wall.TotalSeconds,10:F1} s   ({fdw.Rows:N0} rows; GROUP BY pushed down to the source: {(fdw.AggregatePushedDown ? "yes" : "no, every event crosses to the warehouse")})");
            Console.WriteLine($"  source events/s    {f.Events / fdw.Wall.TotalSeconds,10:N0}");
            Console.WriteLine($"  fact rows/s        {fdw.Rows / fdw.Wall.TotalSeconds,10:N0}");
        }
        if (f.Copy is { } copy)
        {
            Console.WriteLine($"reference (b) binary COPY into an unindexed table");
            Console.WriteLine($"  wall time          {copy.Wall.TotalSeconds,10:F1} s   ({copy.Rows:N0} rows)");
            Console.WriteLine($"  rows/s             {copy.Rows / copy.Wall.TotalSeconds,10:N0}");
        }
        Console.WriteLine("ratios");
        // The references produce daily facts and nothing else; the pipeline's load is the same work (plus the
        // ledger, coverage and quarantine), the indicator refresh after it is work they do not do at all.
        var load = p.WallSeconds - p.RefreshSeconds;
        foreach (var (name, reference) in new[] { ("(a) ", f.Fdw), ("(a')", f.FdwPushdown) })
        {
            if (reference is null)
                continue;
            var ratio = load / reference.Wall.TotalSeconds;
            Console.WriteLine($"  pipeline load / fdw wall {name}         {ratio,6:F2}   target <= {WallTarget:F2}  {(ratio <= WallTarget ? "MET" : "MISSED")}   (same output: daily facts)");
            Console.WriteLine($"  load + indicators / fdw wall {name}     {p.WallSeconds / reference.Wall.TotalSeconds,6:F2}   (the reference computes no indicators)");
        }
        if (f.Copy is { } b)
        {
            var ratio = f.FactRows / p.WallSeconds / (b.Rows / b.Wall.TotalSeconds);
            Console.WriteLine($"  pipeline fact rows/s / COPY rows/s    {ratio,6:F3}   (COPY alone is {1 / ratio:F1}x the pipeline's fact rate)");
        }
        var rssMb = p.VmHwmKb / 1024.0;
        Console.WriteLine($"  peak RSS                              {rssMb,6:N0} MB target <= {RssTargetMb} MB  {(rssMb <= RssTargetMb ? "MET" : "MISSED")}");

        PrintBreakdown(p);
        if (profile.Count > 0)
        {
            Console.WriteLine("pg_stat_statements, pipeline phase (track = all: statements inside marts.refresh_periods included), by total time:");
            foreach (var line in profile)
                Console.WriteLine("  " + line);
        }
    }

    private static void PrintBreakdown(PipelineResult p)
    {
        var w = p.WindowTimings;
        if (w.Count == 0) return;
        double Sum(Func<WindowTiming, double> f) => w.Sum(f) / 1000.0;
        var total = Sum(x => x.TotalMs);
        void Line(string name, double seconds) =>
            Console.WriteLine($"  {name,-58} {seconds,8:F1} s {100 * seconds / Math.Max(total, 1e-9),5:F1} %");
        Console.WriteLine($"where the pipeline's time went (client-observed, summed over {w.Count} windows; {p.WallSeconds - total:F1} s outside windows):");
        Line("open source session", Sum(x => x.OpenMs));
        Line("source count(*) for reconciliation", Sum(x => x.CountMs));
        Line("warehouse: begin tx, ledger row, staging table, COPY start", Sum(x => x.WriterBeginMs));
        Line("source GROUP BY until its first row (scan + aggregate)", Sum(x => x.FirstGroupMs));
        Line("source rows streaming in (transfer, decode)", Sum(x => x.SourceStreamMs));
        Line("classify + write staging COPY (pipeline CPU, COPY flushes)", Sum(x => x.ConsumerMs));
        Line("commit: COPY end, merge into facts, coverage, marts refresh", Sum(x => x.CommitMs));
        var retried = w.Where(x => x.Attempts > 1).ToList();
        if (retried.Count > 0)
            Line($"failed attempts, retried ({retried.Count} windows: {string.Join(", ", retried.Select(x => x.Window))})", Sum(x => x.FailedAttemptsMs));
        Console.WriteLine("  by statement (Npgsql tracing; client-observed, includes transfer; the staging COPY is open while the source streams, so it overlaps the GROUP BY):");
        foreach (var s in p.Statements.Take(14))
            Console.WriteLine($"    {s.TotalMs / 1000.0,8:F1} s {s.Calls,5}x  {s.Statement}");
        var slowest = w.OrderByDescending(x => x.TotalMs).First();
        Console.WriteLine($"  slowest window {slowest.Window}: {slowest.TotalMs / 1000.0:F1} s = {(slowest.Attempts > 1 ? $"{slowest.Attempts - 1} failed attempt(s) {slowest.FailedAttemptsMs / 1000.0:F1} + " : "")}source count {slowest.CountMs / 1000.0:F1} + GROUP BY to first row {slowest.FirstGroupMs / 1000.0:F1} " +
                          $"+ streaming {slowest.SourceStreamMs / 1000.0:F1} + classify/COPY {slowest.ConsumerMs / 1000.0:F1} + commit {slowest.CommitMs / 1000.0:F1} s");
        Console.WriteLine($"  commit time per window: median {Median(w.Select(x => x.CommitMs)) / 1000.0:F1} s, first {w[0].CommitMs / 1000.0:F1} s, last {w[^1].CommitMs / 1000.0:F1} s");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static void PrintSummary(List<RunFigures> runs, BenchmarkArguments args)
    {
        Console.WriteLine();
        Console.WriteLine("=== summary ===");
        Console.WriteLine($"{"events",12} {"wall s",8} {"load s",8} {"refresh s",9} {"events/s",10} {"fact rows",11} {"facts/s",9} {"VmHWM MB",9} {"fdw s",7} {"load/fdw",8} {"fdw' s",7} {"load/fdw'",9} {"COPY rows/s",12} {"/COPY",6}");
        foreach (var r in runs)
        {
            var p = r.Pipeline;
            var load = p.WallSeconds - p.RefreshSeconds;
            Console.WriteLine($"{r.Events,12:N0} {p.WallSeconds,8:F1} {load,8:F1} {p.RefreshSeconds,9:F1} {r.Events / p.WallSeconds,10:N0} {r.FactRows,11:N0} {r.FactRows / p.WallSeconds,9:N0} {p.VmHwmKb / 1024.0,9:N0} " +
                              $"{(r.Fdw is { } a ? a.Wall.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "-"),7} " +
                              $"{(r.Fdw is { } a2 ? (load / a2.Wall.TotalSeconds).ToString("F2", CultureInfo.InvariantCulture) : "-"),8} " +
                              $"{(r.FdwPushdown is { } c ? c.Wall.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "-"),7} " +
                              $"{(r.FdwPushdown is { } c2 ? (load / c2.Wall.TotalSeconds).ToString("F2", CultureInfo.InvariantCulture) : "-"),9} " +
                              $"{(r.Copy is { } b ? (b.Rows / b.Wall.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture) : "-"),12} " +
                              $"{(r.Copy is { } b2 ? (r.FactRows / p.WallSeconds / (b2.Rows / b2.Wall.TotalSeconds)).ToString("F3", CultureInfo.InvariantCulture) : "-"),6}");
        }
        if (args.ScaleCheck && runs.Count == 2)
        {
            var small = runs[0].Pipeline.VmHwmKb / 1024.0;
            var large = runs[1].Pipeline.VmHwmKb / 1024.0;
            var unchanged = large <= Math.Max(small * 1.10, small + 16);
            Console.WriteLine($"scale check: peak RSS {small:N0} MB at N = {runs[0].Events:N0}, {large:N0} MB at N = {runs[1].Events:N0} " +
                              $"({(large / small - 1) * 100:+0;-0} %): {(unchanged ? "unchanged (within 10 % or 16 MB)" : "GROWS with N")}; " +
                              $"target <= {RssTargetMb} MB {(Math.Max(small, large) <= RssTargetMb ? "MET" : "MISSED")}");
        }
        Console.WriteLine($"load average at the end: {LoadAverage()}");
    }

    private static async Task PrintMachineAsync(string admin, BenchmarkArguments args)
    {
        string version;
        await using (var connection = new NpgsqlConnection(Database.ConnectionString(admin, "postgres")))
        {
            await connection.OpenAsync();
            version = await Database.ScalarAsync<string>(connection, "SELECT version()");
            var settings = await Database.LinesAsync(connection,
                "SELECT name || '=' || setting || coalesce(unit, '') FROM pg_settings WHERE name IN " +
                "('shared_buffers', 'work_mem', 'maintenance_work_mem', 'fsync', 'synchronous_commit', 'max_parallel_workers_per_gather', 'jit') ORDER BY name");
            version += Environment.NewLine + "  settings: " + string.Join(", ", settings);
        }
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        Console.WriteLine("MetricsPipeline benchmark");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores ({cpu}), memory {memory}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"server: {version}");
        Console.WriteLine($"load average at the start: {LoadAverage()}");
        if (args.Profile && !await StatStatements.AvailableAsync(admin))
            throw new ArgumentException("--profile: pg_stat_statements is not in shared_preload_libraries on this server");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed record RunFigures(
        long Events, PipelineResult Pipeline, long FactRows, decimal CountSum, long Quarantined, FdwResult? Fdw, FdwResult? FdwPushdown, CopyResult? Copy);
}

/// <summary>pg_stat_statements over the pipeline phase, when the server preloads it (benchmark.sh --profile).</summary>
internal static class StatStatements
{
    public static async Task<bool> AvailableAsync(string admin)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, "postgres"));
        await connection.OpenAsync();
        var preload = await Database.ScalarAsync<string>(connection, "SELECT current_setting('shared_preload_libraries')");
        if (!preload.Contains("pg_stat_statements", StringComparison.Ordinal)) return false;
        await Database.ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        return true;
    }

    public static async Task ResetAsync(string admin)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, "postgres"));
        await connection.OpenAsync();
        await Database.ExecuteAsync(connection, "SELECT pg_stat_statements_reset()");
    }

    public static async Task<List<string>> TopAsync(string admin, int limit)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, "postgres"));
        await connection.OpenAsync();
        return await Database.LinesAsync(connection, $"""
            SELECT format('%s s %sx %s rows  [%s%s]  %s',
                          to_char(s.total_exec_time / 1000, 'FM99990.0'), s.calls, s.rows, d.datname,
                          CASE WHEN s.toplevel THEN '' ELSE ', nested' END,
                          left(regexp_replace(s.query, '\s+', ' ', 'g'), 110))
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname IN ('bench_source', 'bench_wh')
            ORDER BY s.total_exec_time DESC
            LIMIT {limit}
            """);
    }
}
