using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetricsPipeline.Benchmarks.Province;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Benchmarks;

/// <summary>
/// The child process: runs only the pipeline (a backfill from History.From through today) so that its
/// VmHWM is the pipeline's own peak RSS, and prints one RESULT line of JSON for the parent.
/// The pipeline is wired as the tests' harness wires it: ServiceCollection + AddMetricsPipeline, options
/// built in code, the real clock. The only addition is a timing decorator around the postgres provider
/// and a listener on Npgsql's activities; neither changes what the pipeline does.
/// </summary>
internal static class PipelinePhase
{
    public const string ResultPrefix = "RESULT ";

    public static async Task<int> RunAsync(string specFile)
    {
        var spec = JsonSerializer.Deserialize<PipelineSpec>(await File.ReadAllTextAsync(specFile))
                   ?? throw new ArgumentException($"{specFile}: empty spec");
        var startHwm = ProcStatus.KiloBytes("VmHWM");

        using var statements = new NpgsqlStatementProfiler();
        var windows = new WindowTimings();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Warehouse"] = spec.Warehouse })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        // stdout carries the RESULT line only.
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddMetricsPipeline(configuration);
        var options = spec.Province is { } province ? ProvinceShape.Options(spec, province) : BenchmarkShape.Options(spec);
        services.AddSingleton<IOptions<PipelineOptions>>(Options.Create(options));
        services.AddSingleton(TimeProvider.System);
        services.RemoveAll<ISourceProvider>();
        services.AddSingleton<ISourceProvider>(new TimedSourceProvider(new PostgresSourceProvider(), windows));
        services.AddSingleton<ISourceProvider>(new TimedSourceProvider(new MySqlSourceProvider(), windows));
        services.AddSingleton<ISourceProvider>(new TimedSourceProvider(new SqliteSourceProvider(), windows));

        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<PipelineRunner>();
        var readyHwm = ProcStatus.KiloBytes("VmHWM");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

        var stopwatch = new Stopwatch();
        var lastWindowAt = TimeSpan.Zero;
        var progress = new SynchronousProgress(p =>
        {
            lastWindowAt = stopwatch.Elapsed;
            windows.Finish(p);
            var line = p.Outcome is { } o
                ? $"  window {p.Index,3}/{p.Count} {p.Window}: {o.Counts.SourceRows,11:N0} events -> {o.FactsWritten,11:N0} facts in {o.Duration.TotalSeconds,6:F1} s  (RSS {ProcStatus.KiloBytes("VmRSS") / 1024} MB)"
                : $"  window {p.Index,3}/{p.Count} {p.Window}: FAILED {p.Error}";
            Console.Error.WriteLine(line);
        });

        stopwatch.Start();
        // The province benchmark backfills all its sources; the default shape has one.
        var results = await runner.RunAsync(RunRequest.Backfill(spec.HistoryFrom, spec.BackfillTo),
            spec.Province is null ? BenchmarkShape.SourceName : null, progress, CancellationToken.None);
        stopwatch.Stop();
        // The peak RSS figure is the backfill's; the round that follows re-pulls one day and would not raise it.
        var peakAfterBackfillKb = ProcStatus.KiloBytes("VmHWM");
        var round = spec.Province is { } p && results.All(r => r.Error is null)
            ? await ServiceRound.RunAsync(provider, p, CancellationToken.None)
            : null;

        var outcomes = results.SelectMany(r => r.Streams).SelectMany(s => s.Windows).ToList();
        var error = string.Join("; ", results.Where(r => r.Error is not null).Select(r => r.Error));
        var result = new PipelineResult
        {
            WallSeconds = stopwatch.Elapsed.TotalSeconds,
            // RunAsync ends with the indicator refresh of everything the backfill queued.
            RefreshSeconds = (stopwatch.Elapsed - lastWindowAt).TotalSeconds,
            Windows = outcomes.Count,
            SourceRows = outcomes.Sum(o => o.Counts.SourceRows),
            FactSourceRows = outcomes.Sum(o => o.Counts.FactRows),
            QuarantinedRows = outcomes.Sum(o => o.Counts.QuarantinedRows),
            FactsWritten = outcomes.Sum(o => o.FactsWritten),
            Error = error.Length == 0 ? null : error,
            VmHwmStartKb = startHwm,
            VmHwmReadyKb = readyHwm,
            VmHwmKb = peakAfterBackfillKb,
            VmRssEndKb = ProcStatus.KiloBytes("VmRSS"),
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore,
            Gen0 = GC.CollectionCount(0) - gcBefore.Item1,
            Gen1 = GC.CollectionCount(1) - gcBefore.Item2,
            Gen2 = GC.CollectionCount(2) - gcBefore.Item3,
            ServerGc = System.Runtime.GCSettings.IsServerGC,
            WindowTimings = windows.Completed,
            Statements = statements.Snapshot(),
            Round = round,
        };
        Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
        return result.Error is null ? 0 : 1;
    }

    private sealed class SynchronousProgress(Action<WindowProgress> report) : IProgress<WindowProgress>
    {
        public void Report(WindowProgress value) => report(value);
    }
}

internal sealed record PipelineResult
{
    public double WallSeconds { get; init; }
    /// <summary>From the last window's commit to the end of the run: the indicator refresh of the whole backfill.</summary>
    public double RefreshSeconds { get; init; }
    public int Windows { get; init; }
    /// <summary>Events read at the source (the reconciliation count).</summary>
    public long SourceRows { get; init; }
    /// <summary>Events that became facts (the rest were quarantined).</summary>
    public long FactSourceRows { get; init; }
    public long QuarantinedRows { get; init; }
    /// <summary>Rows written to facts.daily.</summary>
    public long FactsWritten { get; init; }
    public string? Error { get; init; }
    public long VmHwmStartKb { get; init; }
    public long VmHwmReadyKb { get; init; }
    public long VmHwmKb { get; init; }
    public long VmRssEndKb { get; init; }
    public long AllocatedBytes { get; init; }
    public int Gen0 { get; init; }
    public int Gen1 { get; init; }
    public int Gen2 { get; init; }
    public bool ServerGc { get; init; }
    public List<WindowTiming> WindowTimings { get; init; } = [];
    public List<StatementTiming> Statements { get; init; } = [];
    /// <summary>The province benchmark's service round after the backfill (null otherwise).</summary>
    public RoundResult? Round { get; init; }
}

internal static class ProcStatus
{
    /// <summary>A "kB" field of /proc/self/status (VmHWM = peak resident set, VmRSS = current); 0 where there is no procfs.</summary>
    public static long KiloBytes(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith(field + ":", StringComparison.Ordinal))
                    continue;
                var digits = line[(field.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }
}
