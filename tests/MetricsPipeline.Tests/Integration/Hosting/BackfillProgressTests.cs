using System.Diagnostics;
using System.Text.RegularExpressions;
using MetricsPipeline.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>
/// What an operator sees of a backfill: plain lines when stdout is not a terminal (a file, CI, journald), the live
/// display with rows/s and remaining time under a terminal, the information log held while that display runs.
/// </summary>
public sealed partial class BackfillProgressTests(ITestOutputHelper output)
{
    private static readonly string[] Backfill = ["backfill", "--from", "2025-01-01", "--to", "2025-02-28"];

    [GeneratedRegex(@"^window county-oa/(\w+) \S*2025-01-01\.\.2025-01-31\] \(1/\d+\): [\d,]+ rows, [\d,]+ facts, [\d,]+ quarantined, \d+\.\d s, [\d,]+ rows/s$", RegexOptions.Multiline)]
    private static partial Regex FirstCountyWindow();

    [GeneratedRegex(@"^indicator refresh: done in \d+\.\d s \(\d+ load\(s\)\)$", RegexOptions.Multiline)]
    private static partial Regex RefreshDone();

    [Fact]
    public async Task Backfill_IntoAFile_WritesAPlainLinePerWindowAndForTheRefresh_WithoutControlSequences()
    {
        await using var h = await SeededAsync("progress_plain");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exitCode, stdout, stderr) = await RunRedirectedAsync([.. Backfill, "--config", config]);

        output.WriteLine(stdout);
        Assert.True(exitCode == 0, stdout + stderr);
        var documents = FirstCountyWindow().Matches(stdout).Single(m => m.Groups[1].Value == "documents");
        Assert.Contains(",", documents.Value); // 1,000-odd rows, with a group separator
        Assert.Contains("window grid-app/", stdout);
        Assert.Matches(@"(?m)^window county-oa/documents \[2025-02-01\.\.2025-02-28\] \(2/2\): ", stdout);
        var started = stdout.IndexOf("indicator refresh: started", StringComparison.Ordinal);
        var done = RefreshDone().Match(stdout);
        Assert.True(started >= 0 && done.Success && started < done.Index, stdout);
        Assert.True(stdout.LastIndexOf("window ", StringComparison.Ordinal) < started, "every window line comes before the refresh");
        Assert.DoesNotContain('\u001b', stdout + stderr);
        // Not on a terminal nothing is held: the information log is written as it happens.
        Assert.Contains("Loaded county-oa/documents (…2025-01-01..2025-01-31]", stderr);
    }

    [Fact]
    public async Task RunOnce_IntoAFile_WritesTheSamePlainLines()
    {
        await using var h = await SeededAsync("progress_runonce");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exitCode, stdout, stderr) = await RunRedirectedAsync(["run-once", "--config", config, "--source", "county-oa"]);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Single(FirstCountyWindow().Matches(stdout), m => m.Groups[1].Value == "documents");
        Assert.DoesNotContain("window grid-app/", stdout);
        Assert.Contains("indicator refresh: started", stdout);
        Assert.Matches(RefreshDone(), stdout);
        Assert.DoesNotContain('\u001b', stdout + stderr);
    }

    [Fact]
    public async Task Backfill_UnderATerminal_ShowsRowsPerSecondRemainingTimeAndTheRefreshTask_AndHoldsTheInformationLog()
    {
        await using var h = await SeededAsync("progress_tty");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        string[] arguments = ["dotnet", WorkerProcess.WorkerDll, .. Backfill, "--config", config];
        // script(1) runs the worker on a pseudo-terminal; stty gives that terminal a width the columns fit in.
        var command = "stty cols 200 rows 50; exec " + string.Join(' ', arguments.Select(a => "'" + a + "'"));

        var (exitCode, terminal, _) = await RunRedirectedAsync(["-qfec", command, "/dev/null"], executable: "script");

        output.WriteLine(terminal);
        Assert.True(exitCode == 0, terminal);
        Assert.Contains('\u001b', terminal); // drawn live
        Assert.Matches(@"county-oa/documents 2025-02 .*100%.*[\d,]+ rows/s.*00:00 left", terminal);
        Assert.Contains("indicator refresh", terminal);
        Assert.DoesNotContain("window county-oa/", terminal); // no plain lines
        Assert.DoesNotContain("Loaded county-oa/documents", terminal); // the information log was held (dropped)
        Assert.Contains("运行汇总", terminal);
    }

    private static async Task<PipelineHarness> SeededAsync(string name)
    {
        var h = await PipelineHarness.CreateAsync(name);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages, deleted)
            SELECT (ARRAY['T01','T02','V01'])[1 + i % 3], (ARRAY['RED','WHITE'])[1 + i % 2],
                   timestamptz '2025-01-01 00:00+08' + i * interval '41 minutes', i % 7, false
            FROM generate_series(0, 2500) AS i
            """);
        h.Options.History.From = new DateOnly(2025, 1, 1);
        return h;
    }

    /// <summary>The worker (or <paramref name="executable"/>) with stdout and stderr redirected, read apart; Information logs on.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunRedirectedAsync(string[] arguments, string? executable = null)
    {
        var info = new ProcessStartInfo(executable ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        if (executable is null)
            info.ArgumentList.Add(WorkerProcess.WorkerDll);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["TERM"] = "xterm-256color";
        info.Environment["Logging__LogLevel__Default"] = "Information";
        info.Environment.Remove("CI");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + info.FileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{info.FileName} {string.Join(' ', arguments)} did not finish within 2 minutes");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
