using MetricsPipeline.Pipeline;
using MetricsPipeline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Tests.Integration.Pipeline;

public sealed class FileDropTests
{
    private static readonly DateOnly March2 = new(2025, 3, 2);
    private static readonly DateOnly March3 = new(2025, 3, 3);
    private const string Header = "unit_code,form,submitted_at,fields\n";

    private static async Task<(PipelineHarness H, DropFolder Drops)> SetupAsync(string name, Action<MetricsPipeline.Configuration.StreamOptions>? configure = null)
    {
        var h = await PipelineHarness.CreateAsync(name);
        var drops = new DropFolder(h);
        h.Options.Sources = [drops.Source(configure)];
        return (h, drops);
    }

    [Fact]
    public async Task RunOnce_CsvTsvXlsxAndGb18030_AreCountedOnTheirLocalDays()
    {
        var (h, drops) = await SetupAsync("files_formats");
        await using var _ = h;
        drops.WriteText("2025-03-a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 23:59:59,10\nT01,F2,2025-03-03 00:00:00,5\n", DropFolder.Utf8WithBom);
        drops.WriteText("2025-03-b.tsv", "unit_code\tform\tsubmitted_at\tfields\nT01\tF1\t2025-03-02 08:00:00\t1\n");
        drops.WriteText("2025-03-c.csv", "unit_code,form,submitted_at,fields\nV01,CHK,2025-03-02 09:00:00,0\n", DropFolder.Gb18030);
        drops.WriteXlsx("2025-03-d.xlsx",
        [
            new Dictionary<string, object?> { ["unit_code"] = "V01", ["form"] = "CHK", ["submitted_at"] = new DateTime(2025, 3, 3, 7, 0, 0), ["fields"] = 0 },
            new Dictionary<string, object?> { ["unit_code"] = "V02", ["form"] = "F1", ["submitted_at"] = "2025-03-03 10:00:00", ["fields"] = 7 },
        ]);

        var result = Assert.Single(await h.RunOnceAsync());

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(2, await h.FactAsync("reports", "T01", "report_form", "count", March2));
        Assert.Equal(11, await h.FactAsync("reports", "T01", "report_form", "fields", March2));
        Assert.Equal(1, await h.FactAsync("reports", "T01", "report_form", "count", March3));
        Assert.Equal(1, await h.FactAsync("reports", "V01", "check_in", "count", March2));
        Assert.Equal(1, await h.FactAsync("reports", "V01", "check_in", "count", March3));
        Assert.Equal(7, await h.FactAsync("reports", "V02", "report_form", "fields", March3));
        Assert.Equal(4, await h.ScalarAsync<long>("SELECT count(*) FROM ops.file_loads"));
    }

    [Fact]
    public async Task RunOnce_FileLoads_CountInTheWindowAndRowMetrics_LikeDatabaseWindows()
    {
        var (h, drops) = await SetupAsync("files_metrics");
        await using var _ = h;
        drops.WriteText("good.csv", Header + "T01,F1,2025-03-02 10:00:00,10\nT01,F1,2025-03-03 10:00:00,1\nX9,F1,2025-03-03 11:00:00,1\n");
        drops.WriteText("bad.csv", "unit_code,form\nT01,F1\n"); // lacks columns: this file fails alone

        await using var services = h.BuildServices();
        using var metrics = new MetricRecorder(services);
        await services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.RunOnce, null, null, CancellationToken.None);

        // The alerts on failed windows and the row counters see file streams too.
        Assert.Equal(1, metrics.Total("metrics_pipeline.windows", "outcome", "succeeded"));
        Assert.Equal(1, metrics.Total("metrics_pipeline.windows", "outcome", "failed"));
        Assert.Equal(2, metrics.Total("metrics_pipeline.rows.loaded"));
        Assert.Equal(1, metrics.Total("metrics_pipeline.rows.quarantined"));
    }

    [Fact]
    public async Task RunOnce_ChangedFileReplacesItsContribution_UnchangedFileIsNotReadAgain()
    {
        var (h, drops) = await SetupAsync("files_replace");
        await using var _ = h;
        drops.WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,10\nT01,F1,2025-03-03 10:00:00,1\n");
        drops.WriteText("b.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 11:00:00,5\n");
        await h.RunOnceAsync();
        Assert.Equal(15, await h.FactAsync("reports", "T01", "report_form", "fields", March2));

        // a.csv is re-uploaded: the 3rd is gone, the 2nd corrected. b.csv is untouched.
        h.Clock.Advance(TimeSpan.FromHours(2));
        drops.WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,20\n");
        var windowsBefore = await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows");
        await h.RunOnceAsync();

        Assert.Equal(25, await h.FactAsync("reports", "T01", "report_form", "fields", March2)); // 20 from a.csv + 5 from b.csv
        Assert.Null(await h.FactAsync("reports", "T01", "report_form", "count", March3));
        Assert.Equal(windowsBefore + 1, await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows")); // only a.csv was read

        // A third run with nothing new reads nothing.
        h.Clock.Advance(TimeSpan.FromHours(2));
        await h.RunOnceAsync();
        Assert.Equal(windowsBefore + 1, await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows"));
    }

    [Fact]
    public async Task RunOnce_RemovedFile_KeepsItsContributionByDefault_RetractsWhenAsked()
    {
        var (h, drops) = await SetupAsync("files_removed");
        await using var _ = h;
        drops.WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,10\n");
        await h.RunOnceAsync();
        drops.Delete("a.csv");

        await h.RunOnceAsync();
        Assert.Equal(10, await h.FactAsync("reports", "T01", "report_form", "fields", March2));

        h.Options.Sources[0].Streams[0].OnRemoved = "retract";
        await h.RunOnceAsync();
        Assert.Null(await h.FactAsync("reports", "T01", "report_form", "fields", March2));
        Assert.True(await h.ScalarAsync<bool>("SELECT retracted FROM ops.file_loads WHERE file_name = 'a.csv'"));
    }

    [Fact]
    public async Task RunOnce_FileStillBeingWrittenOrWithoutDoneMarker_WaitsForTheNextRun()
    {
        var (h, drops) = await SetupAsync("files_waiting", s => s.RequireDoneMarker = true);
        await using var _ = h;
        drops.WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,10\n");
        await h.RunOnceAsync();
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.file_loads"));

        drops.WriteText("a.csv.done", "");
        drops.Settle("a.csv", TimeSpan.FromSeconds(5)); // still being appended to
        await h.RunOnceAsync();
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.file_loads"));

        drops.Settle("a.csv");
        await h.RunOnceAsync();
        Assert.Equal(10, await h.FactAsync("reports", "T01", "report_form", "fields", March2));
    }

    [Fact]
    public async Task RunOnce_FileRewrittenWhileItIsRead_IsNotLoaded_AndIsReadWholeOnTheNextRun()
    {
        var (h, drops) = await SetupAsync("files_rewritten");
        await using var _ = h;
        // The pipeline's clock an hour ahead of the real one: the real writes below have settled for it.
        h.Clock.SetUtcNow(DateTimeOffset.UtcNow.AddHours(1));
        const int lines = 200_000;
        var body = new System.Text.StringBuilder(Header);
        for (var i = 0; i < lines; i++)
            body.Append("T01,F1,2025-03-02 10:00:00,1\n");
        var path = Path.Combine(drops.Path, "big.csv");
        File.WriteAllText(path, body.ToString());
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));

        // Another process keeps rewriting the file in place (same size) for as long as the run reads it.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            var digit = (byte)'1';
            while (!stop.IsCancellationRequested)
            {
                file.Position = Header.Length + 27; // the last cell of the first data line
                file.WriteByte(digit = digit == (byte)'1' ? (byte)'2' : (byte)'1');
                file.Flush(flushToDisk: false);
            }
        });
        var first = Assert.Single(await h.RunOnceAsync());
        await stop.CancelAsync();
        await writer;

        // Seen changed between the scan and the read, or during the read: either way nothing of it is loaded.
        Assert.False(first.Succeeded);
        Assert.Contains("'big.csv' changed ", first.Error);
        Assert.Contains("nothing of it is loaded, and the next run reads it again", first.Error);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.file_loads"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM facts.daily"));
        Assert.Contains("'big.csv' changed ", await h.ScalarAsync<string>("SELECT error FROM ops.windows WHERE status = 'failed' AND file_name = 'big.csv'"));

        h.Clock.Advance(TimeSpan.FromHours(1));
        var second = Assert.Single(await h.RunOnceAsync());
        Assert.True(second.Succeeded, second.Error);
        Assert.Equal(lines, await h.FactAsync("reports", "T01", "report_form", "count", March2));
        Assert.Equal(lines, await h.ScalarAsync<long>("SELECT data_rows FROM ops.file_loads WHERE file_name = 'big.csv'"));
        var stored = await h.ScalarAsync<string>("SELECT file_hash FROM ops.file_loads WHERE file_name = 'big.csv'");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), stored);
    }

    [Fact]
    public async Task Read_FileAppendedToAfterItsHeaderWasParsed_IsReportedChangedWhileItWasRead()
    {
        var (h, drops) = await SetupAsync("files_appended");
        await using var _ = h;
        var path = drops.WriteText("a.csv", Header + "T01,F1,2025-03-02 10:00:00,1\n");
        var plan = MetricsPipeline.Configuration.PipelinePlan.CompileOrThrow(h.Options).Single(s => s.Name == "drops");
        var stream = plan.Streams[0];
        var scan = MetricsPipeline.Sources.Files.FileDropScanner.Scan(stream.Files!, h.Clock.GetUtcNow());

        // The aggregator is made once the header is parsed: the file grows from then on, in the middle of the read.
        var changed = Assert.Throws<MetricsPipeline.Sources.Files.FileChangedDuringReadException>(() =>
            MetricsPipeline.Sources.Files.DroppedFileReader.Read(Assert.Single(scan.Ready), stream.Files!, header =>
            {
                File.AppendAllText(path, "T01,F1,2025-03-02 11:00:00,1\n");
                return new MetricsPipeline.Sources.Files.FileAggregator(stream, header, plan.TimeZone, h.Options.History.From, h.Clock.GetUtcNow());
            }, plan.MaxGroupsPerWindow, CancellationToken.None));

        Assert.Contains("'a.csv' changed while it was read", changed.Message);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("2.00:00:00")]
    public async Task Compile_ReadTimeoutOutOfRange_IsRefusedNamingTheKey(string timeout)
    {
        var (h, _) = await SetupAsync("files_timeout_config", s => s.ReadTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture));
        await using var _h = h;

        var error = Assert.Throws<MetricsPipeline.Configuration.InvalidConfigurationException>(() => MetricsPipeline.Configuration.PipelinePlan.CompileOrThrow(h.Options));

        Assert.Contains($"Sources:0:Streams:0:ReadTimeout: '{TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture)}' must be more than zero and at most one day", error.Message);
    }

    [Fact]
    public async Task RunOnce_FileSlowerThanReadTimeout_FailsAlone_AndTheNextFileLoads()
    {
        var (h, drops) = await SetupAsync("files_timeout", s => s.ReadTimeout = TimeSpan.FromMilliseconds(1));
        await using var _ = h;
        var body = new System.Text.StringBuilder(Header);
        for (var i = 0; i < 300_000; i++)
            body.Append("T01,F1,2025-03-02 10:00:00,1\n");
        drops.WriteText("a-big.csv", body.ToString());

        var result = Assert.Single(await h.RunOnceAsync());

        Assert.False(result.Succeeded);
        Assert.Contains("drops/reports file 'a-big.csv': reading the file took longer than ReadTimeout = 00:00:00.0010000", result.Error);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.file_loads"));

        // With the default timeout it loads on the next run.
        h.Options.Sources[0].Streams[0].ReadTimeout = TimeSpan.FromMinutes(10);
        Assert.True(Assert.Single(await h.RunOnceAsync()).Succeeded);
        Assert.Equal(300_000, await h.FactAsync("reports", "T01", "report_form", "count", March2));
    }

    [Fact]
    public async Task RunOnce_ABadFileOrEntry_NeverStopsTheOtherFilesNorTheSourcesOtherStream()
    {
        var (h, drops) = await SetupAsync("files_isolation");
        await using var _ = h;
        var other = new DropFolder(h, "checkins");
        h.Options.Sources[0].Streams.Add(new MetricsPipeline.Configuration.StreamOptions
        {
            Name = "checkins", Folder = other.Path, Pattern = "*.csv", Timestamp = "submitted_at", TimestampKind = "local",
            Unit = "unit_code", Category = "check_in",
        });
        drops.WriteBytes("a.csv", new System.Text.UnicodeEncoding(false, false).GetBytes(Header + "T01,F1,2025-03-02 10:00:00,1\n"));
        drops.Link("b.csv", "/nonexistent/b.csv");
        drops.Fifo("c.csv");
        drops.WriteText("d.csv", Header + "T01,F1,2025-03-02 10:00:00,4\n");
        other.WriteText("x.csv", "unit_code,submitted_at\nV01,2025-03-02 09:00:00\n");

        var result = Assert.Single(await h.RunOnceAsync());

        Assert.False(result.Succeeded);
        Assert.Equal(4, await h.FactAsync("reports", "T01", "report_form", "fields", March2));
        Assert.Equal(1, await h.FactAsync("checkins", "V01", "check_in", "count", March2));
        Assert.Equal(["a.csv", "b.csv", "c.csv"], await h.QueryAsync<string>(
            "SELECT file_name FROM ops.windows WHERE status = 'failed' ORDER BY file_name"));
        var runError = await h.ScalarAsync<string>("SELECT error FROM ops.runs WHERE run_id = @RunId", new { result.RunId });
        Assert.Contains("file 'a.csv': the header line holds NUL bytes", runError);
        Assert.Contains("file 'b.csv': 'b.csv' is a symbolic link to something that does not exist", runError);
        Assert.Contains("file 'c.csv': 'c.csv' is a FIFO (named pipe), not a regular file", runError);
        Assert.DoesNotContain(runError, char.IsControl);
    }

    [Fact]
    public async Task RunOnce_RowDatedNextSeptember_IsQuarantined_AndCoversNothingBeyondTheValidRows()
    {
        var (h, drops) = await SetupAsync("files_future_typo");
        await using var _ = h;
        drops.WriteText("a.csv", Header + "T01,F1,2025-03-02 10:00:00,1\nT01,F1,2025-03-03 10:00:00,1\nT01,F1,2025-09-03 10:00:00,1\nX99,F1,2025-03-05 10:00:00,1\n");

        Assert.True(Assert.Single(await h.RunOnceAsync()).Succeeded);

        Assert.Equal(1, await h.ScalarAsync<long>("SELECT row_count FROM ops.quarantine WHERE reason = 'future_timestamp'"));
        // Covered: the first to the last day with facts; not the typo's September, not the unknown unit's 5 March.
        Assert.Equal([March2, March3], await h.QueryAsync<DateOnly>("SELECT day FROM ops.coverage ORDER BY day"));
        Assert.Equal(March3, await h.ScalarAsync<DateOnly>("SELECT day_to FROM ops.windows WHERE file_name = 'a.csv'"));
        Assert.Equal(March3, await h.ScalarAsync<DateOnly>("SELECT last_covered_day FROM ops.stream_freshness WHERE stream = 'reports'"));
    }

    [Fact]
    public async Task RunOnce_RetractedFile_TakesItsCoverageWithIt_ButNotDaysAnotherFileCovers()
    {
        var (h, drops) = await SetupAsync("files_retract_coverage", s => s.OnRemoved = "retract");
        await using var _ = h;
        drops.WriteText("a.csv", Header + "T01,F1,2025-03-01 10:00:00,1\nT01,F1,2025-03-03 10:00:00,1\n");
        drops.WriteText("b.csv", Header + "T01,F1,2025-03-03 10:00:00,1\nT01,F1,2025-03-04 10:00:00,1\n");
        await h.RunOnceAsync();
        Assert.Equal(4, await h.ScalarAsync<long>("SELECT count(*) FROM ops.coverage"));

        drops.Delete("a.csv");
        Assert.True(Assert.Single(await h.RunOnceAsync()).Succeeded);

        Assert.Equal([March3, new DateOnly(2025, 3, 4)], await h.QueryAsync<DateOnly>("SELECT day FROM ops.coverage ORDER BY day"));
        Assert.Null(await h.FactAsync("reports", "T01", "report_form", "count", new DateOnly(2025, 3, 1)));
        Assert.Equal(1, await h.FactAsync("reports", "T01", "report_form", "count", March3));

        drops.Delete("b.csv");
        await h.RunOnceAsync();
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.coverage"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM facts.daily"));
    }

    [Fact]
    public async Task RunOnce_RenamedFile_IsCountedOnce_AndACopyBesideItFails()
    {
        var (h, drops) = await SetupAsync("files_renamed");
        await using var _ = h;
        var content = Header + "T01,F1,2025-03-02 10:00:00,3\n";
        drops.WriteText("march.csv", content);
        await h.RunOnceAsync();

        File.Move(Path.Combine(drops.Path, "march.csv"), Path.Combine(drops.Path, "march-final.csv"));
        Assert.True(Assert.Single(await h.RunOnceAsync()).Succeeded);
        Assert.Equal(3, await h.FactAsync("reports", "T01", "report_form", "fields", March2));
        Assert.Equal(["march-final.csv"], await h.QueryAsync<string>("SELECT file_name FROM ops.file_loads"));
        Assert.Equal(["march-final.csv"], await h.QueryAsync<string>("SELECT DISTINCT file_name FROM facts.file_daily"));

        drops.WriteText("march-final (1).csv", content);
        var copy = Assert.Single(await h.RunOnceAsync());
        Assert.False(copy.Succeeded);
        Assert.Contains("file 'march-final (1).csv': its content is identical to 'march-final.csv', which is already loaded", copy.Error);
        Assert.Equal(3, await h.FactAsync("reports", "T01", "report_form", "fields", March2));
    }

    [Fact]
    public async Task RunOnce_UnchangedFile_IsReevaluatedWhenTheOrgFileTheCodeMapOrTheClockReleaseItsRows()
    {
        var (h, drops) = await SetupAsync("files_reevaluate");
        await using var _ = h;
        h.WriteOrgUnits(["C01", "T01", "T02", "V01"]);
        h.Options.Sources[0].Streams[0].Categories.Remove("F2");
        drops.WriteText("a.csv", Header + "T01,F1,2025-03-02 10:00:00,1\nV02,F1,2025-03-02 10:00:00,1\nT01,F2,2025-03-03 10:00:00,1\nT01,F1,2025-03-11 10:00:00,1\n");
        await h.RunOnceAsync();
        Assert.Equal(["future_timestamp", "unknown_unit", "unmapped_code"], await h.QueryAsync<string>("SELECT reason FROM ops.quarantine ORDER BY reason"));
        Assert.Equal([March2], await h.QueryAsync<DateOnly>("SELECT day FROM ops.coverage ORDER BY day"));

        // Nothing changed: the file is not read again.
        var windows = await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows");
        await h.RunOnceAsync();
        Assert.Equal(windows, await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows"));

        h.WriteOrgUnits(PipelineHarness.Units);
        await h.RunOnceAsync();
        Assert.Equal(1, await h.FactAsync("reports", "V02", "report_form", "count", March2));

        h.Options.Sources[0].Streams[0].Categories["F2"] = "report_form";
        await h.RunOnceAsync();
        Assert.Equal(1, await h.FactAsync("reports", "T01", "report_form", "count", March3));
        Assert.Equal([March2, March3], await h.QueryAsync<DateOnly>("SELECT day FROM ops.coverage ORDER BY day"));

        h.Clock.Advance(TimeSpan.FromDays(2)); // 12 March in Beijing: the 11th has come
        var result = Assert.Single(await h.RunOnceAsync());
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(1, await h.FactAsync("reports", "T01", "report_form", "count", new DateOnly(2025, 3, 11)));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.quarantine"));
        Assert.Equal(10, await h.ScalarAsync<long>("SELECT count(*) FROM ops.coverage")); // 2 to 11 March
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows WHERE status = 'succeeded' AND source_rows <> fact_rows + quarantined_rows"));
    }

    [Fact]
    public async Task RunOnce_CodeMovedBetweenTwoCategoriesThatStayInTheMap_RereadsTheUnchangedFile_AndItsFactsMove()
    {
        var (h, drops) = await SetupAsync("files_code_moved");
        await using var _ = h;
        const string windowsOfA = "SELECT count(*) FROM ops.windows WHERE file_name = 'a.csv'";
        const string classifiedWithOfA = "SELECT classified_with FROM ops.file_loads WHERE file_name = 'a.csv'";
        drops.WriteText("a.csv", Header + "T01,F1,2025-03-02 10:00:00,4\nT01,CHK,2025-03-02 11:00:00,0\n");
        Assert.True(Assert.Single(await h.RunOnceAsync()).Succeeded);
        Assert.Equal(1, await h.FactAsync("reports", "T01", "report_form", "count", March2));
        Assert.Equal(1, await h.FactAsync("reports", "T01", "check_in", "count", March2));
        var loadedWith = await h.ScalarAsync<string>(classifiedWithOfA);
        Assert.Matches("^[0-9a-f]{64}$", loadedWith);

        // F1 moves from report_form to check_in; both categories stay in the map (F2 -> report_form, CHK -> check_in),
        // so no fact is in a category the map no longer produces and nothing is quarantined: only the stored hash tells.
        h.Options.Sources[0].Streams[0].Categories["F1"] = "check_in";
        h.Clock.Advance(TimeSpan.FromHours(1));
        var result = Assert.Single(await h.RunOnceAsync());

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(2, await h.ScalarAsync<long>(windowsOfA));
        Assert.Null(await h.FactAsync("reports", "T01", "report_form", "count", March2));
        Assert.Equal(2, await h.FactAsync("reports", "T01", "check_in", "count", March2));
        Assert.Equal(4, await h.FactAsync("reports", "T01", "check_in", "fields", March2));
        Assert.NotEqual(loadedWith, await h.ScalarAsync<string>(classifiedWithOfA));

        // Nothing changed since: the file is not read again.
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True(Assert.Single(await h.RunOnceAsync()).Succeeded);
        Assert.Equal(2, await h.ScalarAsync<long>(windowsOfA));

        // A file loaded before V33 (no hash stored) is read again once, then left alone.
        Assert.Equal(1, await h.ScalarAsync<long>("WITH cleared AS (UPDATE ops.file_loads SET classified_with = NULL RETURNING 1) SELECT count(*) FROM cleared"));
        await h.RunOnceAsync();
        Assert.Equal(3, await h.ScalarAsync<long>(windowsOfA));
        await h.RunOnceAsync();
        Assert.Equal(3, await h.ScalarAsync<long>(windowsOfA));
        Assert.Equal(2, await h.FactAsync("reports", "T01", "check_in", "count", March2));
    }

    [Fact]
    public async Task Backfill_RereadsEveryFile_AndRestoresCoverageLeftByAnOlderVersion()
    {
        var (h, drops) = await SetupAsync("files_backfill");
        await using var _ = h;
        drops.WriteText("a.csv", Header + "T01,F1,2025-03-02 10:00:00,1\n");
        await h.RunOnceAsync();
        // A day covered under an older rule (a quarantined far-future row once marked months covered).
        Assert.Equal(1, await h.ScalarAsync<long>("""
            WITH added AS (INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
                           SELECT source, stream, DATE '2025-09-01', window_id, now() FROM ops.coverage RETURNING 1)
            SELECT count(*) FROM added
            """));
        var windows = await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows");

        await using (var services = h.BuildServices())
        {
            var results = await services.GetRequiredService<PipelineRunner>().RunAsync(
                RunRequest.Backfill(new DateOnly(2025, 3, 1), new DateOnly(2025, 3, 9)), null, null, CancellationToken.None);
            Assert.True(Assert.Single(results).Succeeded);
        }

        Assert.Equal(windows + 1, await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows"));
        Assert.Equal([March2], await h.QueryAsync<DateOnly>("SELECT day FROM ops.coverage"));
        Assert.Equal(1, await h.FactAsync("reports", "T01", "report_form", "count", March2));
    }
}
