using System.Diagnostics;
using MetricsPipeline.Reporting;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// The report verb's page, rendered by headless Chromium (Debian's chromium package, installed by
/// ops/scripts/test.sh) from the warehouse of <see cref="AnalystScenarioFixture"/>.
/// </summary>
public sealed class ReportRenderingTests(AnalystScenarioFixture scenario) : IClassFixture<AnalystScenarioFixture>
{
    private static string Chromium =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "chromium is not installed: the report tests render the page in headless Chromium. Run them through ops/scripts/test.sh, which installs it (apt-get install chromium).");

    private async Task<string> WriteReportAsync(string period)
    {
        await using var dataSource = NpgsqlDataSource.Create(scenario.ConnectionString);
        var html = await new IndicatorReport(dataSource).RenderAsync(ReportPeriod.Parse(period), unit: null, CancellationToken.None);
        var path = Path.Combine(Path.GetTempPath(), $"mp-report-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(path, html);
        return path;
    }

    /// <summary>Runs Chromium headless on the file; returns its standard output and its log (standard error).</summary>
    private static async Task<(string Output, string Log)> ChromiumAsync(string file, params string[] mode)
    {
        var profile = Directory.CreateTempSubdirectory("mp-chromium-").FullName;
        try
        {
            var info = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                                             "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}",
                                             "--enable-logging=stderr", "--v=0" }.Concat(mode).Append(new Uri(file).AbsoluteUri))
                info.ArgumentList.Add(argument);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (await stdout, await stderr);
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact]
    public async Task Report_RendersInChromiumWithChartsRankingAndSignalsAndNoScriptErrors()
    {
        var lastYear = (DateTime.Today.Year - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var file = await WriteReportAsync(lastYear);

        var (dom, log) = await ChromiumAsync(file, "--dump-dom");

        Assert.Contains($"Reporting burden: City (C), {lastYear}", dom);
        // A trend chart per category with values: three lines (value, base, target) each.
        Assert.Contains("<figcaption>document.formal</figcaption>", dom);
        Assert.Contains("class=\"value\"", dom);
        Assert.Contains("class=\"target\"", dom);
        // Last year: 110 documents against 150, a 26.7% reduction against the 30% target.
        Assert.Contains($"{lastYear}: 110 vs base 150; reduction 26.7%; target 30%", dom);
        // The ranking of the townships by hours per FTE (T1 4.67, T2 1.60), drawn and tabulated.
        Assert.Contains("<svg class=\"ranking\"", dom);
        Assert.True(dom.IndexOf("Township One (T1)", StringComparison.Ordinal) < dom.IndexOf("Township Two (T2)", StringComparison.Ordinal));
        Assert.Contains("4.67", dom);
        // Nothing on the page runs a script, and Chromium logged no console error while rendering it.
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(log.Split('\n'), line => line.Contains("CONSOLE", StringComparison.Ordinal)
            && (line.Contains("Error", StringComparison.OrdinalIgnoreCase) || line.Contains("Uncaught", StringComparison.Ordinal)));
        File.Delete(file);
    }

    [Fact]
    public async Task Report_ForTheLastEndedQuarter_ListsTheSignalWithItsEvidence()
    {
        var lastQuarter = DateTime.Today.AddMonths(-3);
        var period = $"{lastQuarter.Year}-Q{(lastQuarter.Month + 2) / 3}";
        var file = await WriteReportAsync(period);

        var (dom, _) = await ChromiumAsync(file, "--dump-dom");

        Assert.Contains("meetings_online", dom);
        Assert.Contains("Village Three (V3)", dom);
        Assert.Contains("meeting.offline/count: 100.00 -&gt; 50.00 (-50%), p = ", dom);
        File.Delete(file);
    }

    [Fact]
    public async Task Report_Screenshot_IsWrittenAsAPng()
    {
        var lastYear = (DateTime.Today.Year - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var file = await WriteReportAsync(lastYear);
        var png = Path.Combine(Path.GetTempPath(), "mp-report-last.png");
        File.Delete(png);

        await ChromiumAsync(file, $"--screenshot={png}", "--window-size=1200,1400", "--hide-scrollbars");

        var bytes = await File.ReadAllBytesAsync(png);
        Assert.True(bytes.Length > 10_000, $"screenshot of {bytes.Length} bytes is too small to hold the page");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes.Take(4));
        File.Delete(file);
    }

    [Theory]
    [InlineData("2025", "year", "2025-01-01", "2025-12-31")]
    [InlineData("2025-q3", "quarter", "2025-07-01", "2025-09-30")]
    [InlineData("2025-03", "month", "2025-03-01", "2025-03-31")]
    [InlineData("2025-W01", "week", "2024-12-30", "2025-01-05")]
    public void ReportPeriod_ParsesEachKind(string text, string kind, string start, string end)
    {
        var period = ReportPeriod.Parse(text);

        Assert.Equal((kind, DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture)),
            (period.Kind, period.Start, period.End));
    }

    [Fact]
    public void ReportPeriod_RejectsOtherText()
    {
        var error = Assert.Throws<FormatException>(() => ReportPeriod.Parse("2025-13"));
        Assert.Contains("2025-Q3 (quarter)", error.Message);
    }
}
