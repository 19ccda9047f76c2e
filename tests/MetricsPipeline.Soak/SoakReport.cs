using System.Globalization;
using Dapper;
using Npgsql;

namespace MetricsPipeline.Soak;

/// <summary>
/// What the soak measured, from the ledger (every scheduled run records the cron slot it stood for) and the
/// samples, and whether the targets were met: no missed fire, p99 lag under 2 s, RSS growth under 10%,
/// sessions within what the configuration allows.
/// </summary>
internal sealed record SoakReport(
    int JudgedFires, int Missed, int Duplicates, int FailedRuns, int BusySkips,
    double LagP50, double LagP99, double LagMax, double RunP50, double RunP99,
    long MaxPipelineSessions, long MaxSchedulerSessions, long MaxSessions, long SessionBound,
    long RssStartupKb, long RssStartKb, long RssEndKb, int WorkerExitCode, IReadOnlyList<string> MissedExamples,
    IReadOnlyList<string> FailureCauses, double WindowsPerSecond,
    long MaxQueuedLoads, double MaxIndicatorLag, IReadOnlyList<double> RefreshRoundsMs, long LoadsRefreshed)
{
    public double RssGrowth => (RssEndKb - RssStartKb) / (double)RssStartKb;

    public bool TargetsMet => Missed == 0 && LagP99 < 2.0 && RssGrowth < 0.10 && MaxSessions <= SessionBound && WorkerExitCode == 0;

    public static async Task<SoakReport> ComputeAsync(
        SoakArguments arguments, string warehouse, DateTime judgedFrom, DateTime judgedTo, IReadOnlyList<Sample> samples,
        TimeSpan warmup, int busySkips, int workerExitCode, string workerLog)
    {
        await using var connection = new NpgsqlConnection(warehouse);
        var runs = (await connection.QueryAsync<(string Source, DateTime Slot, DateTime Started, DateTime? Finished, string Status)>("""
            SELECT source, scheduled_fire_time, started_at, finished_at, status FROM ops.runs
            WHERE trigger = 'schedule' AND scheduled_fire_time BETWEEN @judgedFrom AND @judgedTo
            """, new { judgedFrom, judgedTo })).ToList();
        var succeeded = runs.Where(r => r.Status == "succeeded").ToList();

        var expected = new List<(string Source, DateTime Slot)>();
        for (var i = 0; i < arguments.Sources; i++)
            expected.AddRange(Slots(arguments, i, judgedFrom, judgedTo).Select(slot => (SoakSources.Name(i), slot)));
        var ran = succeeded.Select(r => (r.Source, r.Slot)).ToHashSet();
        var missed = expected.Where(e => !ran.Contains(e)).ToList();
        var duplicates = succeeded.GroupBy(r => (r.Source, r.Slot)).Count(g => g.Count() > 1);

        var lags = succeeded.Select(r => (r.Started - r.Slot).TotalSeconds).Order().ToList();
        var durations = succeeded.Where(r => r.Finished is not null).Select(r => (r.Finished!.Value - r.Started).TotalSeconds).Order().ToList();
        var warm = samples.Where(s => s.At >= warmup).ToList();
        return new SoakReport(
            expected.Count, missed.Count, duplicates, runs.Count(r => r.Status == "failed"), busySkips,
            Percentile(lags, 0.50), Percentile(lags, 0.99), lags.Count == 0 ? double.NaN : lags[^1],
            Percentile(durations, 0.50), Percentile(durations, 0.99),
            samples.Max(s => s.PipelineSessions), samples.Max(s => s.SchedulerSessions), samples.Max(s => s.Sessions), 2L * arguments.PoolSize,
            samples.FirstOrDefault(s => s.At >= TimeSpan.FromSeconds(10))?.RssKb ?? samples[0].RssKb, warm.Count > 0 ? warm[0].RssKb : samples[0].RssKb, samples[^1].RssKb, workerExitCode,
            missed.Take(10).Select(m => $"{m.Source} {m.Slot:HH:mm:ss}").ToList(),
            (await connection.QueryAsync<string>("""
                SELECT count(*) || ' x ' || left(error, 160) FROM ops.runs
                WHERE trigger = 'schedule' AND status = 'failed' GROUP BY left(error, 160) ORDER BY count(*) DESC LIMIT 5
                """)).ToList(),
            await connection.ExecuteScalarAsync<double>("""
                SELECT count(*) / greatest(extract(epoch FROM max(finished_at) - min(started_at)), 1) FROM ops.windows
                WHERE status = 'succeeded' AND finished_at BETWEEN @judgedFrom AND @judgedTo
                """, new { judgedFrom, judgedTo }),
            warm.Count > 0 ? warm.Max(s => s.QueuedLoads) : 0, warm.Count > 0 ? warm.Max(s => s.IndicatorLagSeconds) : 0,
            RefreshRounds(workerLog).Select(r => r.Ms).Order().ToList(), RefreshRounds(workerLog).Sum(r => r.Loads));
    }

    /// <summary>The worker's "Indicators refreshed" log lines (event 71401): loads merged and milliseconds per round.</summary>
    private static IEnumerable<(long Loads, double Ms)> RefreshRounds(string workerLog)
    {
        var pattern = new System.Text.RegularExpressions.Regex(@"\[71401\].*?for (\d+) queued loads.* in (\d+) ms");
        foreach (var line in File.ReadLines(workerLog))
        {
            if (pattern.Match(line) is { Success: true } m)
                yield return (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The UTC instants in [from, to] at which source i's cron "offset/interval * * * * ?" fires.</summary>
    private static IEnumerable<DateTime> Slots(SoakArguments arguments, int i, DateTime from, DateTime to)
    {
        var offset = SoakSources.Offset(arguments, i);
        var t = new DateTime(from.Year, from.Month, from.Day, from.Hour, from.Minute, 0, DateTimeKind.Utc).AddSeconds(offset);
        for (; t <= to; t = t.AddSeconds(arguments.IntervalSeconds))
        {
            if (t >= from)
                yield return t;
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public void Print(SoakArguments a, DateTime judgedFrom, DateTime judgedTo)
    {
        static string S(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
        static string Mb(long kb) => (kb / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
        static string Ok(bool ok) => ok ? "met" : "MISSED";
        Console.WriteLine();
        Console.WriteLine($"Soak: {a.Sources} sources, every {a.IntervalSeconds} s ({(a.SameSecond ? "all at the same second" : "spread over the interval")}), " +
                          $"{a.DurationSeconds} s of serve, Scheduler:MaxConcurrentSources {a.Threads}, Maximum Pool Size {a.PoolSize}");
        Console.WriteLine($"  fires judged          {JudgedFires:N0} (slots {judgedFrom:HH:mm:ss}..{judgedTo:HH:mm:ss} UTC; the first {a.WarmupSeconds} s are warm-up)");
        Console.WriteLine($"  missed fires          {Missed:N0}{(MissedExamples.Count > 0 ? " e.g. " + string.Join(", ", MissedExamples) : "")}");
        Console.WriteLine($"  slots run twice       {Duplicates:N0}");
        Console.WriteLine($"  failed runs           {FailedRuns:N0}");
        Console.WriteLine($"  busy skips (71004)    {BusySkips:N0}");
        Console.WriteLine($"  scheduling lag        p50 {S(LagP50)} s, p99 {S(LagP99)} s, max {S(LagMax)} s (run start minus its cron slot)");
        Console.WriteLine($"  run duration          p50 {S(RunP50)} s, p99 {S(RunP99)} s");
        Console.WriteLine($"  warehouse sessions    max {MaxSessions} (pipeline {MaxPipelineSessions}, scheduler {MaxSchedulerSessions}); bound 2 x Maximum Pool Size = {SessionBound}");
        Console.WriteLine($"  RSS                   {Mb(RssStartupKb)} 10 s after start, {Mb(RssStartKb)} after warm-up, {Mb(RssEndKb)} at the end " +
                          $"({RssGrowth.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture)} since warm-up)");
        Console.WriteLine($"  worker exit code      {WorkerExitCode} after SIGTERM");
        Console.WriteLine($"  windows committed     {WindowsPerSecond.ToString("0.0", CultureInfo.InvariantCulture)} per second (needed: {a.Sources / (double)a.IntervalSeconds:0.0})");
        var rounds = RefreshRoundsMs;
        Console.WriteLine($"  indicator refresh     {rounds.Count:N0} rounds merged {LoadsRefreshed:N0} loads; round p50 {(rounds.Count > 0 ? rounds[rounds.Count / 2] : double.NaN):0} ms, " +
                          $"max {(rounds.Count > 0 ? rounds[^1] : double.NaN):0} ms (windows only queue their days; the service refreshes every RefreshInterval)");
        Console.WriteLine($"  indicator lag         max {MaxIndicatorLag.ToString("0.0", CultureInfo.InvariantCulture)} s behind the facts, max {MaxQueuedLoads:N0} loads queued (sampled every 5 s after warm-up)");
        foreach (var cause in FailureCauses)
            Console.WriteLine($"  failed run cause      {cause}");
        Console.WriteLine($"  targets               no missed fire: {Ok(Missed == 0)}; p99 lag < 2 s: {Ok(LagP99 < 2.0)}; " +
                          $"RSS growth < 10%: {Ok(RssGrowth < 0.10)}; sessions within bound: {Ok(MaxSessions <= SessionBound)}");
    }
}
