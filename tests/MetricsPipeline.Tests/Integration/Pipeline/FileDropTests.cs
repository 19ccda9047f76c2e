using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

public sealed class FileDropTests
{
    private static readonly DateOnly March2 = new(2025, 3, 2);
    private static readonly DateOnly March3 = new(2025, 3, 3);

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
}
