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

    /// <summary>
    /// With stderr the journal stream (JOURNAL_STREAM names it, as systemd sets it for StandardError=journal), the worker
    /// speaks the journal's native protocol: each event one datagram on the journal socket (here one the test binds,
    /// through Logging:Journal:Socket) whose fields are the event's id, priority, message and the run's and window's
    /// fields; a window's WINDOW_ID is the ops.windows row, whose run, source, stream and days the fields repeat.
    /// </summary>
    [Fact]
    public async Task Serve_UnderSystemdWithStderrTheJournalStream_SendsStructuredEntriesToTheJournalSocket()
    {
        await using var h = await PipelineHarness.CreateAsync("systemd_native");
        var config = ServiceConfig(h);
        using var journal = new JournalReceiver(Path.Combine(h.Directory, "journal.socket"));

        await using var service = SystemdServiceLaunch.Start(worker.Executable, new Dictionary<string, string> { ["warehouse"] = h.Warehouse },
            new Dictionary<string, string> { ["Logging__Journal__Socket"] = journal.Path }, journalStream: true, "serve", "--config", config);
        var ran = await journal.WaitForAsync(e => e.Any(x => x["EVENT_ID"] == "71101") && e.Any(x => x["EVENT_ID"] == "71102")
                && e.Any(x => x["EVENT_ID"] == "71002"),
            TimeSpan.FromSeconds(60));
        Assert.True(ran, $"no finished run, loaded window and failed window in the journal:\n{string.Join("\n", journal.Entries)}\n{service.Describe()}");
        Assert.Contains("READY=1", service.Notifications);
        var entries = journal.Entries;
        Assert.All(entries, e => Assert.Equal("metrics-pipeline", e["SYSLOG_IDENTIFIER"]));
        Assert.All(entries, e => Assert.NotNull(e["MESSAGE"]));
        Assert.All(entries, e => Assert.Matches("^[0-7]$", e["PRIORITY"]!));

        var started = entries.First(e => e["EVENT_ID"] == "71001" && e["SOURCE"] == "county-oa");
        Assert.Equal("6", started["PRIORITY"]);
        Assert.Equal("RunStarted", started["EVENT_NAME"]);
        Assert.Equal("MetricsPipeline.Pipeline.SourceRunner", started["LOGGER"]);
        Assert.Equal("schedule", started["TRIGGER"]);
        Assert.Matches(@"^\d+$", started["RUN_ID"]!);
        Assert.Equal($"Run {started["RUN_ID"]} of source county-oa started (schedule)", started["MESSAGE"]);

        // A loaded window: its own fields, the run's and the window's, and the ops.windows row that recorded it.
        var loaded = entries.First(e => e["EVENT_ID"] == "71101");
        Assert.Equal("county-oa", loaded["SOURCE"]);
        Assert.Equal("documents", loaded["STREAM"]);
        Assert.Matches(@"^[\[(]", loaded["WINDOW"]!);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", loaded["DAY_FROM"]!);
        Assert.StartsWith("Loaded county-oa/documents ", loaded["MESSAGE"]);
        var row = Assert.Single(await h.QueryAsync<(long RunId, string Source, string Stream, string DayFrom, string DayTo, string Status)>(
            "SELECT run_id, source, stream, day_from::text, day_to::text, status FROM ops.windows WHERE window_id = @id", new { id = long.Parse(loaded["WINDOW_ID"]!) }));
        Assert.Equal((long.Parse(loaded["RUN_ID"]!), "county-oa", "documents", loaded["DAY_FROM"], loaded["DAY_TO"], "succeeded"), row);

        // A failed window: err, the exception whole (its stack trace is several lines: the binary form), its failed row.
        var failed = entries.First(e => e["EVENT_ID"] == "71102");
        Assert.Equal("3", failed["PRIORITY"]);
        Assert.Equal("grid-app", failed["SOURCE"]);
        Assert.Equal("checkins", failed["STREAM"]);
        Assert.Contains("\n", failed["EXCEPTION"]);
        Assert.NotNull(failed["EXCEPTION_TYPE"]);
        var failedRow = Assert.Single(await h.QueryAsync<(long RunId, string Source, string Status)>(
            "SELECT run_id, source, status FROM ops.windows WHERE window_id = @id", new { id = long.Parse(failed["WINDOW_ID"]!) }));
        Assert.Equal((long.Parse(failed["RUN_ID"]!), "grid-app", "failed"), failedRow);

        // Everything went to the journal: no line on stderr, none on stdout.
        Assert.Equal("", service.StandardError.Trim());
        Assert.Equal("", service.StandardOutput.Trim());

        Assert.True(await service.StopAsync(TimeSpan.FromSeconds(60)), "the worker did not stop on SIGTERM:\n" + service.Describe());
        Assert.Equal(0, service.ExitCode);
        Assert.Contains("STOPPING=1", service.Notifications);
    }

    /// <summary>The journal stream is stderr but the journal socket takes nothing: journal lines on stderr, and one warning that says so.</summary>
    [Fact]
    public async Task RunOnce_JournalStreamButNoJournalSocket_WritesJournalLinesToStderrSayingSoOnce()
    {
        await using var h = await PipelineHarness.CreateAsync("systemd_nojournal");
        var config = ServiceConfig(h);
        var missing = Path.Combine(h.Directory, "no-journal.socket");
        await using var service = SystemdServiceLaunch.Start(worker.Executable, new Dictionary<string, string> { ["warehouse"] = h.Warehouse },
            new Dictionary<string, string> { ["Logging__Journal__Socket"] = missing }, journalStream: true, "run-once", "--config", config);

        Assert.True(await service.WaitForAsync(s => s.HasExited, TimeSpan.FromSeconds(60)), service.Describe());
        var warnings = service.StandardErrorLines.Where(l => l.Contains("[73301]", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.StartsWith($"<4>MetricsPipeline.Worker.Hosting.Journal[73301] The journal was to get the log (Logging:Journal:Mode Auto), but its socket {missing} takes no entries (", warning);
        Assert.Contains(service.StandardErrorLines, l => JournalLine.IsMatch(l) && l.Contains("[71101] Loaded county-oa/documents", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_UnknownJournalMode_StopsStartUpNamingTheKey()
    {
        await using var h = await PipelineHarness.CreateAsync("journal_mode");
        var config = ServiceConfig(h);
        await using var service = SystemdServiceLaunch.Start(worker.Executable, new Dictionary<string, string> { ["warehouse"] = h.Warehouse },
            new Dictionary<string, string> { ["Logging__Journal__Mode"] = "sometimes" }, "run-once", "--config", config);

        Assert.True(await service.WaitForAsync(s => s.HasExited, TimeSpan.FromSeconds(60)), service.Describe());
        Assert.Equal(2, service.ExitCode);
        Assert.Contains("Logging:Journal:Mode: 'sometimes' is not", service.StandardError);
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
