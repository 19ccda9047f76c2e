using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>The midnight boundary of Asia/Shanghai, for every timestamp kind, on real PostgreSQL and SQLite.</summary>
public sealed class LocalDayBucketingTests
{
    private static readonly DateOnly March1 = new(2025, 3, 1);
    private static readonly DateOnly March2 = new(2025, 3, 2);

    [Fact]
    public async Task Postgres_UtcTimestamptz_LastSecondBeforeBeijingMidnightStaysOnTheDay()
    {
        await using var h = await PipelineHarness.CreateAsync("bucket_pg_utc");
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
              ('T01', 'RED', '2025-03-01 15:59:59+00', 2),
              ('T01', 'RED', '2025-03-01 16:00:00+00', 3),
              ('T01', 'RED', '2025-03-01 23:30:00+00', 4)
            """);

        await h.RunOnceAsync("county-oa");

        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.formal", "count", March1));
        Assert.Equal(2, await h.FactAsync("documents", "T01", "document.formal", "count", March2)); // 00:00 and 07:30 Beijing
        Assert.Equal(7, await h.FactAsync("documents", "T01", "document.formal", "pages", March2));
    }

    [Fact]
    public async Task Postgres_LocalNaiveTimestamp_IsTheWallDate()
    {
        await using var h = await PipelineHarness.CreateAsync("bucket_pg_local");
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.meetings (unit_code, mode, started_at, minutes, attendees) VALUES
              ('T01', 'OFFLINE', '2025-03-01 23:59:59', 60, 10),
              ('T01', 'OFFLINE', '2025-03-02 00:00:00', 30, 4)
            """);

        await h.RunOnceAsync("county-oa");

        Assert.Equal(1, await h.FactAsync("meetings", "T01", "meeting.offline", "count", March1));
        Assert.Equal(600, await h.FactAsync("meetings", "T01", "meeting.offline", "attendee_minutes", March1));
        Assert.Equal(120, await h.FactAsync("meetings", "T01", "meeting.offline", "attendee_minutes", March2));
    }

    [Fact]
    public async Task Sqlite_OffsetText_UsesItsOwnOffset()
    {
        await using var h = await PipelineHarness.CreateAsync("bucket_sqlite_offset");
        await h.ExecuteSqliteAsync("""
            INSERT INTO forms (unit_code, form_code, submitted_at, fields) VALUES
              ('V01', 'F1', '2025-03-01T23:59:59+08:00', 10),
              ('V01', 'F2', '2025-03-01T16:00:00Z', 20),
              ('V01', 'F1', '2025-03-01T11:00:00-05:00', 5)
            """);

        await h.RunOnceAsync("grid-app");

        Assert.Equal(1, await h.FactAsync("forms", "V01", "report_form", "count", March1));
        Assert.Equal(2, await h.FactAsync("forms", "V01", "report_form", "count", March2)); // F1 and F2 both map to report_form
        Assert.Equal(25, await h.FactAsync("forms", "V01", "report_form", "fields", March2));
    }

    [Fact]
    public async Task Sqlite_LocalTextAndUnixSeconds_LandOnTheLocalDay()
    {
        await using var h = await PipelineHarness.CreateAsync("bucket_sqlite_local");
        var beijingMidnightMarch2 = new DateTimeOffset(2025, 3, 1, 16, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        await h.ExecuteSqliteAsync("""
            INSERT INTO checkins (unit_code, kind, checked_at) VALUES
              ('V02', 'CHECKIN', '2025-03-01 23:59:59'),
              ('V02', 'CHECKIN', '2025-03-02 00:00:00'),
              ('V02', 'PHOTO', @before),
              ('V02', 'PHOTO', @at)
            """, new { before = beijingMidnightMarch2 - 1, at = beijingMidnightMarch2 });

        await h.RunOnceAsync("grid-app");

        Assert.Equal(2, await h.FactAsync("checkins", "V02", "check_in", "count", March1));
        Assert.Equal(2, await h.FactAsync("checkins", "V02", "check_in", "count", March2));
    }
}
