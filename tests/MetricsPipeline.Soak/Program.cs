using System.Diagnostics;
using Dapper;
using MetricsPipeline.Soak;
using Npgsql;

// The soak (a program, not a test): the real worker serves N SQLite sources on a short cron for a while;
// this program watches it from outside (RSS, warehouse sessions), stops it with SIGTERM and judges every
// scheduled slot from the ledger. Exit code 0 when every target is met.
SoakArguments arguments;
try
{
    arguments = SoakArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var directory = arguments.Directory ?? Directory.CreateTempSubdirectory("mp-soak-").FullName;
Directory.CreateDirectory(directory);
const string Database = "soak_wh";
await using (var admin = new NpgsqlConnection(arguments.AdminConnectionString))
{
    await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
    await admin.ExecuteAsync($"CREATE DATABASE {Database}");
}
var warehouse = new NpgsqlConnectionStringBuilder(arguments.AdminConnectionString)
{
    Database = Database, MaxPoolSize = arguments.PoolSize, Pooling = true,
}.ConnectionString;
var metricsPort = FreePort();
Console.WriteLine($"soak folder {directory}; writing {arguments.Sources} SQLite sources …");
var config = SoakSources.WriteAll(arguments, directory, warehouse, metricsPort);

var (migrateExit, migrateOutput) = await WorkerRun.RunAsync(arguments.Worker, ["migrate", "--config", config]);
if (migrateExit != 0)
{
    Console.Error.WriteLine($"migrate failed ({migrateExit}):\n{migrateOutput}");
    return 1;
}

var log = Path.Combine(directory, "worker.log");
using var worker = WorkerRun.Start(arguments.Worker, ["serve", "--config", config], log);
var started = DateTime.UtcNow;
var watch = Stopwatch.StartNew();
Console.WriteLine($"worker pid {worker.Id} serving from {started:HH:mm:ss} UTC for {arguments.DurationSeconds} s; log {log}");

var samples = new List<Sample>();
var nextReport = TimeSpan.FromSeconds(60);
while (watch.Elapsed < TimeSpan.FromSeconds(arguments.DurationSeconds) && !worker.HasExited)
{
    if (await Sample.TakeAsync(watch.Elapsed, worker.Id, arguments.AdminConnectionString, Database) is { } sample)
        samples.Add(sample);
    if (watch.Elapsed >= nextReport && samples.Count > 0)
    {
        await using var connection = new NpgsqlConnection(warehouse);
        var runs = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE status = 'succeeded'");
        Console.WriteLine($"  {watch.Elapsed.TotalSeconds,5:F0} s  {runs:N0} runs succeeded, sessions {samples[^1].Sessions}, RSS {samples[^1].RssKb / 1024.0:F1} MB");
        nextReport += TimeSpan.FromSeconds(60);
    }
    await Task.Delay(TimeSpan.FromSeconds(5));
}
if (worker.HasExited)
{
    Console.Error.WriteLine($"the worker exited early with {worker.ExitCode}; see {log}");
    return 1;
}
var stoppedAt = DateTime.UtcNow;
var exitCode = await WorkerRun.TerminateAsync(worker, TimeSpan.FromSeconds(120));

// Slots at the very end may still have been running at the stop; slots in the warm-up are not judged.
var judgedFrom = started.AddSeconds(arguments.WarmupSeconds);
var judgedTo = stoppedAt.AddSeconds(-(arguments.IntervalSeconds + 5));
var busySkips = File.ReadLines(log).Count(l => l.Contains("[71004]", StringComparison.Ordinal));
var report = await SoakReport.ComputeAsync(arguments, warehouse, judgedFrom, judgedTo, samples, TimeSpan.FromSeconds(arguments.WarmupSeconds), busySkips, exitCode, log);
report.Print(arguments, judgedFrom, judgedTo);
return report.TargetsMet ? 0 : 1;

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}
