using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>
/// The published worker started as systemd starts ops/systemd/metrics-pipeline.service: parent "systemd",
/// NOTIFY_SOCKET, INVOCATION_ID, the warehouse connection string only in the credential "warehouse". It must say
/// READY=1, write its log for the journal, run its scheduled sources, and stop cleanly on SIGTERM.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdServiceTests(PublishedWorker worker) : IClassFixture<PublishedWorker>
{
    private static readonly Regex JournalLine = new(@"^<(?<priority>[0-7])>(?<category>[\w.]+)\[(?<event>\d+)\] (?<message>.*)$");

    [Fact]
    public async Task Serve_UnderSystemd_NotifiesReadyAndWritesJournalLinesWithPriorityCategoryAndEventId()
    {
        await using var h = await PipelineHarness.CreateAsync("systemd_journal");
        var config = ServiceConfig(h);

        await using var service = SystemdServiceLaunch.Start(worker.Executable, new Dictionary<string, string> { ["warehouse"] = h.Warehouse }, null,
            "serve", "--config", config);
        var ran = await service.WaitForAsync(s => s.StandardError.Contains("[71002] Run ") && s.StandardError.Contains("[71101] Loaded county-oa/")
                && s.StandardError.Contains("[71102] Window grid-app/"),
            TimeSpan.FromSeconds(60));
        Assert.True(ran, "no finished run, loaded window and failed window in the log:\n" + service.Describe());
        Assert.Contains("READY=1", service.Notifications);

        // Every line is one journal entry: <priority>category[event id] message, no timestamp (journald stamps it).
        var lines = service.StandardErrorLines;
        foreach (var line in lines)
            Assert.True(JournalLine.IsMatch(line), $"not a journal line: {line}\n{service.Describe()}");
        var events = lines.Select(l => JournalLine.Match(l)).ToList();
        var started = events.First(e => e.Groups["event"].Value == "71001" && e.Groups["message"].Value.Contains("source county-oa", StringComparison.Ordinal));
        Assert.Equal("6", started.Groups["priority"].Value); // info
        Assert.Equal("MetricsPipeline.Pipeline.SourceRunner", started.Groups["category"].Value);
        Assert.Matches(@"^Run \d+ of source county-oa started \(schedule\)$", started.Groups["message"].Value);
        var loaded = events.First(e => e.Groups["event"].Value == "71101");
        Assert.Matches(@"^Loaded county-oa/documents [\[(]", loaded.Groups["message"].Value);
        var failed = events.First(e => e.Groups["event"].Value == "71102");
        Assert.Equal("3", failed.Groups["priority"].Value); // err
        Assert.Contains("grid-app/checkins", failed.Groups["message"].Value);
        // The service has no stdout of its own: everything it says is a log line on stderr.
        Assert.Equal("", service.StandardOutput.Trim());

        Assert.True(await service.StopAsync(TimeSpan.FromSeconds(60)), "the worker did not stop on SIGTERM:\n" + service.Describe());
        Assert.Equal(0, service.ExitCode);
        Assert.Contains("STOPPING=1", service.Notifications);
    }

    [Fact]
    public async Task Serve_UnderSystemdWithJsonRequested_WritesOneJsonObjectPerLineWithTheEventsFieldsAndScopes()
    {
        await using var h = await PipelineHarness.CreateAsync("systemd_json");
        var config = ServiceConfig(h);

        await using var service = SystemdServiceLaunch.Start(worker.Executable, new Dictionary<string, string> { ["warehouse"] = h.Warehouse },
            new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "json" }, "serve", "--config", config);
        var ran = await service.WaitForAsync(s => s.StandardError.Contains("\"EventId\":71101") && s.StandardError.Contains("\"EventId\":71102")
                && s.StandardError.Split("\"EventId\":71002").Length > 2,
            TimeSpan.FromSeconds(60));
        Assert.True(ran, "no loaded and failed window in the log:\n" + service.Describe());
        Assert.Contains("READY=1", service.Notifications);

        var entries = service.StandardErrorLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var started = entries.First(e => (int)e["EventId"]! == 71001 && (string?)e["State"]!["Source"] == "county-oa");
        Assert.Equal("Information", (string?)started["LogLevel"]);
        Assert.Equal("MetricsPipeline.Pipeline.SourceRunner", (string?)started["Category"]);
        Assert.Equal("schedule", (string?)started["State"]!["Trigger"]);
        var runId = (long)started["State"]!["RunId"]!;

        // A window's event carries its own fields and, in Scopes, the run and the window it belongs to.
        var loaded = entries.First(e => (int)e["EventId"]! == 71101 && (string?)e["State"]!["Source"] == "county-oa");
        Assert.Equal("documents", (string?)loaded["State"]!["Stream"]);
        Assert.Matches(@"^[\[(]", (string)loaded["State"]!["Window"]!);
        var scopes = loaded["Scopes"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Contains(scopes, s => (string?)s["Source"] == "county-oa" && s["RunId"] is not null);
        Assert.Contains(scopes, s => (string?)s["Stream"] == "documents" && (string?)s["Window"] == (string?)loaded["State"]!["Window"]);
        Assert.Contains(entries, e => (int)e["EventId"]! == 71002 && (long?)e["State"]!["RunId"] == runId);
        var failed = entries.First(e => (int)e["EventId"]! == 71102);
        Assert.Equal("Error", (string?)failed["LogLevel"]);
        Assert.Equal("grid-app", (string?)failed["State"]!["Source"]);

        Assert.True(await service.StopAsync(TimeSpan.FromSeconds(60)), "the worker did not stop on SIGTERM:\n" + service.Describe());
        Assert.Equal(0, service.ExitCode);
    }

    [Fact]
    public async Task RunOnce_UnknownLogFormat_StopsStartUpNamingTheKey()
    {
        await using var h = await PipelineHarness.CreateAsync("log_format");
        var config = ServiceConfig(h);
        await using var service = SystemdServiceLaunch.Start(worker.Executable, new Dictionary<string, string> { ["warehouse"] = h.Warehouse },
            new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "jsn" }, "run-once", "--config", config);

        Assert.True(await service.WaitForAsync(s => s.HasExited, TimeSpan.FromSeconds(60)), service.Describe());
        Assert.Equal(2, service.ExitCode);
        Assert.Contains("Logging:Console:FormatterName: 'jsn' is not a log format; use one of simple, json, systemd", service.StandardError);
    }

    /// <summary>
    /// The harness's sources on a 2-second cron (grid-app's SQLite file missing, so its windows fail), Information for
    /// the pipeline's own categories, and no connection string: the warehouse comes from the credential alone.
    /// </summary>
    private static string ServiceConfig(PipelineHarness h)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        h.Options.History.From = today.AddDays(-3);
        h.Options.Sources[0].Schedule = "0/2 * * * * ?";
        h.Options.Sources[0].Streams.RemoveAt(1);
        h.Options.Sources[1].Schedule = "0/2 * * * * ?";
        h.Options.Sources[1].ConnectionString = $"Data Source={Path.Combine(h.Directory, "missing.db")}";
        h.Options.Sources[1].Streams.RemoveAt(0);
        var path = WorkerProcess.WriteConfig(h.Directory, "unused", h.Options, new
        {
            Logging = new { LogLevel = new { Default = "Warning", MetricsPipeline = "Information" } },
            Metrics = new { Port = ThrowawayPostgres.FreePort() },
        });
        var document = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        document.Remove("ConnectionStrings");
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
