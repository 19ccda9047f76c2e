using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Benchmarks;

/// <summary>Where one window's time went, as the pipeline process saw it.</summary>
internal sealed record WindowTiming
{
    public string Window { get; init; } = "";
    public long SourceRows { get; init; }
    public long Groups { get; init; }
    public long FactsWritten { get; init; }
    public double TotalMs { get; init; }
    /// <summary>Opening the source session (connect, REPEATABLE READ, READ ONLY).</summary>
    public double OpenMs { get; init; }
    /// <summary>The reconciliation count(*) at the source.</summary>
    public double CountMs { get; init; }
    /// <summary>From the end of the count to the first read: the warehouse transaction, ledger row, staging table and COPY start.</summary>
    public double WriterBeginMs { get; init; }
    /// <summary>From sending the GROUP BY to its first row: the source scans and aggregates the whole window first.</summary>
    public double FirstGroupMs { get; init; }
    /// <summary>Waiting for further groups from the source (network, decoding) after the first.</summary>
    public double SourceStreamMs { get; init; }
    /// <summary>Between groups, in the pipeline: classify and write to the staging COPY (including its flushes to the warehouse).</summary>
    public double ConsumerMs { get; init; }
    /// <summary>From the last group to the window's end: COPY completion, the merge into facts, coverage, ledger, marts refresh, commit.</summary>
    public double CommitMs { get; init; }
    /// <summary>Attempts the window took (more than 1 when the resilience layer retried it, e.g. after an attempt timeout).</summary>
    public int Attempts { get; init; } = 1;
    /// <summary>Time spent in attempts that failed and were retried (plus the retry delays); the components above are the last attempt's.</summary>
    public double FailedAttemptsMs { get; init; }
}

/// <summary>Collects the timings of the window in progress; the pipeline loads one window at a time.</summary>
internal sealed class WindowTimings
{
    private readonly Lock _lock = new();
    private Current _current = new();

    public List<WindowTiming> Completed { get; } = [];

    public Current Begin()
    {
        lock (_lock)
        {
            // A Begin without a Finish since the last one: the previous attempt of this window failed and is being retried.
            var previous = _current;
            var now = Stopwatch.GetTimestamp();
            var retry = previous.OpenStart != 0;
            return _current = new Current
            {
                OpenStart = now,
                Attempts = retry ? previous.Attempts + 1 : 1,
                FailedAttemptsTicks = retry ? previous.FailedAttemptsTicks + (now - previous.OpenStart) : 0,
            };
        }
    }

    public void Finish(WindowProgress progress)
    {
        lock (_lock)
        {
            var c = _current;
            var now = Stopwatch.GetTimestamp();
            var outcome = progress.Outcome;
            Completed.Add(new WindowTiming
            {
                Window = progress.Window.ToString(),
                SourceRows = outcome?.Counts.SourceRows ?? 0,
                Groups = c.Groups,
                FactsWritten = outcome?.FactsWritten ?? 0,
                TotalMs = outcome?.Duration.TotalMilliseconds ?? Ms(c.OpenStart, now),
                OpenMs = Ms(c.OpenStart, c.OpenEnd),
                CountMs = Ms(c.CountStart, c.CountEnd),
                WriterBeginMs = Ms(c.CountEnd, c.ReadStart),
                FirstGroupMs = Ms(c.ReadStart, c.FirstGroup),
                SourceStreamMs = Math.Max(0, c.SourceWaitTicks * 1000.0 / Stopwatch.Frequency - Ms(c.ReadStart, c.FirstGroup)),
                ConsumerMs = c.ConsumerTicks * 1000.0 / Stopwatch.Frequency,
                CommitMs = Ms(c.ReadEnd, now),
                Attempts = Math.Max(1, c.Attempts),
                FailedAttemptsMs = c.FailedAttemptsTicks * 1000.0 / Stopwatch.Frequency,
            });
            _current = new Current();
        }
    }

    private static double Ms(long from, long to) => from == 0 || to < from ? 0 : (to - from) * 1000.0 / Stopwatch.Frequency;

    internal sealed class Current
    {
        public long OpenStart, OpenEnd, CountStart, CountEnd, ReadStart, FirstGroup, ReadEnd;
        public long SourceWaitTicks, ConsumerTicks, Groups, FailedAttemptsTicks;
        public int Attempts;
    }
}

/// <summary>The real postgres provider, with stopwatches around its calls. The SQL and the rows are unchanged.</summary>
internal sealed class TimedSourceProvider(ISourceProvider inner, WindowTimings timings) : ISourceProvider
{
    public string Name => inner.Name;

    public ISqlDialect Dialect => inner.Dialect;

    public async Task<ISourceSession> OpenAsync(SourcePlan source, StreamPlan stream, CancellationToken cancellationToken)
    {
        var current = timings.Begin();
        var session = await inner.OpenAsync(source, stream, cancellationToken);
        current.OpenEnd = Stopwatch.GetTimestamp();
        return new Session(session, current);
    }

    private sealed class Session(ISourceSession inner, WindowTimings.Current current) : ISourceSession
    {
        public Task<DateTimeOffset> ReadClockAsync(CancellationToken cancellationToken) => inner.ReadClockAsync(cancellationToken);

        public async Task<long> CountRowsAsync(AggregationQuery query, CancellationToken cancellationToken)
        {
            current.CountStart = Stopwatch.GetTimestamp();
            var count = await inner.CountRowsAsync(query, cancellationToken);
            current.CountEnd = Stopwatch.GetTimestamp();
            return count;
        }

        public async IAsyncEnumerable<SourceGroup> ReadGroupsAsync(AggregationQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            current.ReadStart = Stopwatch.GetTimestamp();
            await using var enumerator = inner.ReadGroupsAsync(query, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                var before = Stopwatch.GetTimestamp();
                var more = await enumerator.MoveNextAsync();
                var after = Stopwatch.GetTimestamp();
                current.SourceWaitTicks += after - before;
                if (current.FirstGroup == 0) current.FirstGroup = after;
                if (!more) break;
                current.Groups++;
                yield return enumerator.Current;
                current.ConsumerTicks += Stopwatch.GetTimestamp() - after;
            }
            current.ReadEnd = Stopwatch.GetTimestamp();
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>A statement as Npgsql's tracing saw it: calls and client-observed time, summed.</summary>
internal sealed record StatementTiming(string Statement, long Calls, double TotalMs, long Rows);

/// <summary>
/// Listens to Npgsql's ActivitySource (commands and COPY operations, source and warehouse alike) and sums
/// durations per statement text. The time is as the client sees it: server work plus transfer.
/// </summary>
internal sealed partial class NpgsqlStatementProfiler : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Calls, double Ms, long Rows)> _byStatement = new(StringComparer.Ordinal);

    public NpgsqlStatementProfiler()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private void Record(Activity activity)
    {
        var text = activity.GetTagItem("db.query.text") as string ?? activity.DisplayName;
        var key = Whitespace().Replace(text, " ").Trim();
        if (key.Length > 90) key = key[..90] + "…";
        var rows = activity.GetTagItem("db.npgsql.rows") is { } r ? Convert.ToInt64(r, System.Globalization.CultureInfo.InvariantCulture) : 0;
        lock (_lock)
        {
            _byStatement.TryGetValue(key, out var sum);
            _byStatement[key] = (sum.Calls + 1, sum.Ms + activity.Duration.TotalMilliseconds, sum.Rows + rows);
        }
    }

    public List<StatementTiming> Snapshot()
    {
        lock (_lock)
            return _byStatement.Select(kv => new StatementTiming(kv.Key, kv.Value.Calls, kv.Value.Ms, kv.Value.Rows))
                .OrderByDescending(s => s.TotalMs).ToList();
    }

    public void Dispose() => _listener.Dispose();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
