using MetricsPipeline.Normalize;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>
/// The worker's clock (a FakeTimeProvider, as TimeProvider reaches the planner and the loader) jumps against
/// the real clock of the department PostgreSQL. A day after the source's today is never covered, a row is never
/// counted in facts and in quarantine at once, and the next run on a right clock restores the truth.
/// </summary>
public sealed class ClockJumpTests
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static async Task<PipelineHarness> HarnessAsync(string name, DateTimeOffset realNow)
    {
        var h = await PipelineHarness.CreateAsync(name);
        h.Options.Sources.RemoveAt(1); // the PostgreSQL source alone: its server's clock is the real one
        h.Options.Sources[0].Streams.RemoveAt(1);
        h.Options.History.From = LocalCalendar.DayOf(realNow, Beijing).AddDays(-20);
        h.Options.History.ChunkMonths = 24; // one window, whatever the date: the test does not depend on month ends
        return h;
    }

    private static Task<DateOnly> SourceTodayAsync(PipelineHarness h) =>
        ScalarOnSourceAsync<DateOnly>(h, "SELECT CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date)");

    [Fact]
    public async Task RunOnce_WorkerClockThreeDaysAhead_CoversNoDayAfterTheSourcesToday()
    {
        var realNow = DateTimeOffset.UtcNow;
        await using var h = await HarnessAsync("clock_ahead", realNow);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
              ('T01', 'RED', now() - interval '1 hour', 1),
              ('T01', 'RED', now() + interval '2 days', 1);
            """);
        h.Clock.SetUtcNow(realNow.AddDays(3));

        var first = Assert.Single(await h.RunOnceAsync());

        Assert.True(first.Succeeded, first.Error);
        var today = await SourceTodayAsync(h);
        Assert.Equal(today, await h.ScalarAsync<DateOnly>("SELECT max(day) FROM ops.coverage"));
        Assert.Equal((today, true), Assert.Single(await h.QueryAsync<(DateOnly, bool)>("SELECT day_to, open_after FROM ops.windows")));
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.formal", "count", LocalCalendar.DayOf(realNow.AddHours(-1), Beijing)));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT sum(value)::bigint FROM facts.daily WHERE measure = 'count'"));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT sum(row_count)::bigint FROM ops.quarantine WHERE reason = 'future_timestamp'"));

        // The clock is fixed: the next run finds the same truth and no far day to undo.
        h.Clock.AdjustTime(DateTimeOffset.UtcNow);
        var second = Assert.Single(await h.RunOnceAsync());

        Assert.True(second.Succeeded, second.Error);
        Assert.Equal(await SourceTodayAsync(h), await h.ScalarAsync<DateOnly>("SELECT max(day) FROM ops.coverage"));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT sum(value)::bigint FROM facts.daily WHERE measure = 'count'"));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT sum(row_count)::bigint FROM ops.quarantine WHERE reason = 'future_timestamp'"));
    }

    [Fact]
    public async Task RunOnce_WorkerClockTwoDaysBehind_NeverCountsARowTwice_AndTheNextRunRestoresIt()
    {
        var realNow = DateTimeOffset.UtcNow;
        await using var h = await HarnessAsync("clock_behind", realNow);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
              ('T01', 'RED', now() - interval '1 minute', 1),
              ('T01', 'RED', now() - interval '5 days', 1);
            """);
        var recentDay = LocalCalendar.DayOf(realNow.AddMinutes(-1), Beijing);
        h.Clock.SetUtcNow(realNow);
        var right = Assert.Single(await h.RunOnceAsync());
        Assert.True(right.Succeeded, right.Error);
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.formal", "count", recentDay));

        // Two days behind: the recent row is in this worker's future. It moves to quarantine; its fact and its
        // day's coverage go, rather than staying beside it.
        h.Clock.AdjustTime(realNow.AddDays(-2)); // a clock set back, as an operator or a bad NTP source would
        var behind = Assert.Single(await h.RunOnceAsync());

        Assert.True(behind.Succeeded, behind.Error);
        Assert.Null(await h.FactAsync("documents", "T01", "document.formal", "count", recentDay));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT sum(row_count)::bigint FROM ops.quarantine WHERE reason = 'future_timestamp'"));
        Assert.Equal(2, await CountedAsync(h));
        Assert.Equal(LocalCalendar.DayOf(realNow.AddDays(-2), Beijing), await h.ScalarAsync<DateOnly>("SELECT max(day) FROM ops.coverage"));
        Assert.Equal(0, await h.ScalarAsync<long>(
            "SELECT count(*) FROM ops.windows WHERE status = 'succeeded' AND source_rows <> fact_rows + quarantined_rows"));

        // The clock is right again: the row is a fact once more, and nothing waits in quarantine.
        h.Clock.AdjustTime(DateTimeOffset.UtcNow);
        var restored = Assert.Single(await h.RunOnceAsync());

        Assert.True(restored.Succeeded, restored.Error);
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.formal", "count", recentDay));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.quarantine"));
        Assert.Equal(2, await CountedAsync(h));
        Assert.Equal(await SourceTodayAsync(h), await h.ScalarAsync<DateOnly>("SELECT max(day) FROM ops.coverage"));
    }

    /// <summary>Source rows as the warehouse counts them: facts plus quarantine. Each row is in exactly one.</summary>
    private static Task<long> CountedAsync(PipelineHarness h) => h.ScalarAsync<long>("""
        SELECT (SELECT coalesce(sum(value), 0) FROM facts.daily WHERE measure = 'count')::bigint
             + (SELECT coalesce(sum(row_count), 0) FROM ops.quarantine)::bigint
        """);

    private static async Task<T> ScalarOnSourceAsync<T>(PipelineHarness h, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(h.DepartmentDb);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetFieldValue<T>(0);
    }
}
