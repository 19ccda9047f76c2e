using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Observability;

/// <summary>
/// The real worker fails in every way we can provoke, with a recognisable password in the warehouse connection
/// string (trust authentication ignores it) and in the source connection strings; the password must appear in
/// nothing the process writes and in no error the ledger keeps.
/// </summary>
public sealed class SecretLeakTests
{
    private const string Secret = "Pw-5f1e0c-LEAK-CANARY";

    [Fact]
    public async Task Worker_FailingSourcesBadConfigurationAndADeadWarehouse_NeverWriteThePassword()
    {
        await using var h = await PipelineHarness.CreateAsync("secrets");
        var warehouse = h.Warehouse + $";Password={Secret}";
        var closedPort = ThrowawayPostgres.FreePort();
        var shared = new NpgsqlConnectionStringBuilder(h.DepartmentDb);
        var options = h.Options;
        options.History.From = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2);
        var oa = options.Sources[0];
        oa.Streams.RemoveAt(1);
        oa.Schedule = "0/1 * * * * ?";
        oa.Resilience.MaxRetries = 1;
        oa.Resilience.RetryDelay = TimeSpan.Zero;
        options.Sources.RemoveAt(1);
        // Down (connection refused), a database that does not exist, a malformed string, an unreadable SQLite file.
        oa.ConnectionString = $"Host=127.0.0.1;Port={closedPort};Username=reader;Password={Secret};Database=dept";
        options.Sources.Add(Copy(oa, "no-such-db", $"Host={shared.Host};Port={shared.Port};Username=postgres;Password={Secret};Database=no_such_db_{closedPort}"));
        options.Sources.Add(Copy(oa, "malformed", $"Host=127.0.0.1;Password={Secret};Port=not-a-port"));
        options.Sources.Add(Copy(oa, "grid-file", $"Data Source={Path.Combine(h.Directory, "missing.db")};Password={Secret}", provider: "sqlite"));
        var verbose = new { Logging = new { LogLevel = new { Default = "Trace" } }, Metrics = new { Port = ThrowawayPostgres.FreePort() } };
        var config = WorkerProcess.WriteConfig(h.Directory, warehouse, options, verbose);

        var outputs = new List<(string What, string Text)>();
        var (exit, text) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "migrate", "--config", config);
        outputs.Add(("migrate", text));
        Assert.True(exit == 0, text);
        (exit, text) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "run-once", "--config", config);
        outputs.Add(("run-once with failing sources", text));
        Assert.Equal(1, exit);
        Assert.Contains("Failed to connect", text);
        Assert.True(text.Contains("no_such_db"), text);
        (exit, text) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "status", "--config", config);
        outputs.Add(("status", text));
        Assert.True(exit == 0, text);
        Assert.Contains("指标刷新:已是最新(无待处理的加载)", text);
        text = await ServeUntilAsync(config, o => o.Contains("[71102]") && o.Contains("Failed to connect"));
        outputs.Add(("serve with failing sources", text));
        Assert.True(text.Contains("[71102]") && text.Contains("Failed to connect"), "serve ran no failing window:\n" + text);

        // Invalid configuration: the keys are named, the connection strings are not repeated.
        oa.Schedule = "every second";
        oa.Resilience.BreakerFailureRatio = 2;
        var badConfig = WorkerProcess.WriteConfig(h.Directory, warehouse, options, verbose);
        (exit, text) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "run-once", "--config", badConfig);
        outputs.Add(("run-once with bad configuration", text));
        Assert.Equal(2, exit);
        Assert.Contains("Pipeline:Sources:0:Resilience:BreakerFailureRatio", text);

        // The warehouse itself unreachable.
        oa.Schedule = "0/1 * * * * ?";
        oa.Resilience.BreakerFailureRatio = 0.5;
        var deadWarehouse = WorkerProcess.WriteConfig(h.Directory, $"Host=127.0.0.1;Port={closedPort};Username=metrics;Password={Secret};Database=metrics", options, verbose);
        (exit, text) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "run-once", "--config", deadWarehouse);
        outputs.Add(("run-once with the warehouse down", text));
        Assert.Equal(3, exit);
        Assert.Contains("Cannot reach the warehouse", text);
        (exit, text) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "status", "--config", deadWarehouse);
        outputs.Add(("status with the warehouse down", text));
        text = await ServeUntilAsync(deadWarehouse, o => o.Contains($"127.0.0.1:{closedPort}"));
        outputs.Add(("serve with the warehouse down", text));
        Assert.True(text.Contains($"127.0.0.1:{closedPort}"), "serve did not report the unreachable warehouse:\n" + text);

        foreach (var (what, output) in outputs)
            Assert.False(output.Contains(Secret, StringComparison.Ordinal), $"the password leaked in the output of {what}:\n{output}");
        var errors = await h.QueryAsync<string>("SELECT error FROM ops.windows WHERE error IS NOT NULL UNION ALL SELECT error FROM ops.runs WHERE error IS NOT NULL");
        Assert.Contains(errors, e => e.Contains("Failed to connect")); // the failures were recorded ...
        Assert.DoesNotContain(errors, e => e.Contains(Secret, StringComparison.Ordinal)); // ... without the password
    }

    private static SourceOptions Copy(SourceOptions template, string name, string connectionString, string provider = "postgres") => new()
    {
        Name = name, Provider = provider, ConnectionString = connectionString, Schedule = template.Schedule, TimeZone = template.TimeZone,
        Resilience = template.Resilience,
        Streams = provider == "sqlite"
            ? [new StreamOptions { Name = "checkins", Table = "checkins", Timestamp = "checked_at", TimestampKind = "local", Unit = "unit_code", Category = "check_in" }]
            : template.Streams,
    };

    /// <summary>Runs serve until its output shows what the test waits for (at most 90 s), then returns everything it wrote.</summary>
    private static async Task<string> ServeUntilAsync(string config, Func<string, bool> seen)
    {
        using var worker = WorkerProcess.Start("serve", "--config", config);
        var output = new ProcessOutput(worker);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!worker.HasExited && !seen(output.ToString()) && watch.Elapsed < TimeSpan.FromSeconds(90))
            await Task.Delay(100);
        await Task.Delay(500); // let a few more lines through
        if (!worker.HasExited)
            worker.Kill(entireProcessTree: true);
        await worker.WaitForExitAsync();
        await output.CompletedAsync();
        return output.ToString();
    }
}
