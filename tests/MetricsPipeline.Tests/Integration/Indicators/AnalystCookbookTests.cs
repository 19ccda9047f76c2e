using System.Data;
using System.Globalization;
using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// A warehouse dated relative to today, so the cookbook's "last year" and "this quarter" have known answers.
/// Y0 = two years ago (the base year), Y1 = last year, LQ = the last ended quarter.
/// <code>
///   C city ─ K county ─┬ T1 township 10 FTE ─ V1 village 5 FTE
///                      ├ T2 township 20 FTE ─ V2 village 5 FTE
///                      └ T3 township  0 FTE ─ V3 village 0 FTE
/// </code>
/// Formal documents on 1 March: Y0 V1 100, V2 50; Y1 V1 70, V2 40 (target: documents -30% against Y0).
/// V3's meetings move online between LQ a year earlier and LQ (the meetings_online signal; 100 -> 50 offline
/// meetings, beyond chance).
/// grid/checkins was not pulled on 10 .. 12 June of Y1; everything else every day from Y0 through yesterday.
/// </summary>
public sealed class AnalystScenarioFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public int Y0 { get; } = DateTime.Today.Year - 2;
    public int Y1 { get; } = DateTime.Today.Year - 1;

    private const string Seed = """
        UPDATE ref.indicator_settings SET value = @y0::text WHERE key = 'base_period';
        INSERT INTO ref.units (code, name, parent_code, level, headcount) VALUES
            ('C', 'City', NULL, 'city', 0), ('K', 'County', 'C', 'county', 0),
            ('T1', 'Township One', 'K', 'township', 10), ('V1', 'Village One', 'T1', 'village', 5),
            ('T2', 'Township Two', 'K', 'township', 20), ('V2', 'Village Two', 'T2', 'village', 5),
            ('T3', 'Township Three', 'K', 'township', 0), ('V3', 'Village Three', 'T3', 'village', 0);
        INSERT INTO ref.streams (source, stream, provider, time_zone, history_from, measures, categories) VALUES
            ('oa',   'docs',     'postgres', 'Asia/Shanghai', make_date(@y0, 1, 1), '{count}', '{document.formal,document.informal}'),
            ('oa',   'meetings', 'postgres', 'Asia/Shanghai', make_date(@y0, 1, 1), '{count,minutes,attendee_minutes}', '{meeting.offline,meeting.online}'),
            ('grid', 'checkins', 'sqlite',   'Asia/Shanghai', make_date(@y0, 1, 1), '{count}', '{check_in}');
        INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
        SELECT s.source, s.stream, d::date, 1, now()
        FROM ref.streams s CROSS JOIN generate_series(make_date(@y0, 1, 1), current_date - 1, interval '1 day') d
        WHERE NOT (s.stream = 'checkins' AND d BETWEEN make_date(@y1, 6, 10) AND make_date(@y1, 6, 12));
        INSERT INTO ref.targets (category_pattern, scope_unit, base_period, reduction, public_source, origin)
        VALUES ('document.*', NULL, @y0::text, 0.30, '2019 notice: documents -30%', 'config');
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT source, stream, day, unit_code, category, measure, value, now(), 1 FROM (VALUES
            ('oa', 'docs', make_date(@y0, 3, 1), 'V1', 'document.formal', 'count', 100),
            ('oa', 'docs', make_date(@y0, 3, 1), 'V2', 'document.formal', 'count',  50),
            ('oa', 'docs', make_date(@y1, 3, 1), 'V1', 'document.formal', 'count',  70),
            ('oa', 'docs', make_date(@y1, 3, 1), 'V2', 'document.formal', 'count',  40)
        ) AS f(source, stream, day, unit_code, category, measure, value);
        -- V3: offline 100 -> 50, online minutes 100 -> 400, attendee minutes 1000 + 200 -> 600 + 600.
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT 'oa', 'meetings', (q.start + interval '1 month')::date, 'V3', m.category, m.measure,
               CASE WHEN q.is_before THEN m.before ELSE m.after END, now(), 1
        FROM (VALUES ((date_trunc('quarter', current_date) - interval '15 months')::date, true),
                     ((date_trunc('quarter', current_date) - interval '3 months')::date, false)) q(start, is_before)
        CROSS JOIN (VALUES ('meeting.offline', 'count', 100, 50), ('meeting.offline', 'attendee_minutes', 1000, 600),
                           ('meeting.online', 'minutes', 100, 400), ('meeting.online', 'attendee_minutes', 200, 600)) m(category, measure, before, after);
        SELECT marts.refresh_periods(make_date(@y0, 1, 1), current_date, ARRAY(SELECT category FROM ref.categories));
        """;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateWarehouseAsync("analyst");
        await using var db = await OpenAsync(ConnectionString);
        await db.ExecuteAsync(Seed, new { y0 = Y0, y1 = Y1 });
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>Every query of sql/analyst runs against <see cref="AnalystScenarioFixture"/> and gives the hand-checked answer.</summary>
public sealed class AnalystCookbookTests(AnalystScenarioFixture scenario) : IClassFixture<AnalystScenarioFixture>
{
    private static string CookbookDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "sql", "analyst");
                if (Directory.Exists(candidate))
                    return candidate;
            }
            throw new DirectoryNotFoundException("sql/analyst not found above " + AppContext.BaseDirectory);
        }
    }

    private async Task<List<Dictionary<string, object?>>> RunAsync(string file)
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(CookbookDirectory, file));
        await using var db = await OpenAsync(scenario.ConnectionString);
        // As an analyst would run it: the cookbook must need no more than the analyst role grants.
        await db.ExecuteAsync("SET ROLE metrics_analyst");
        await using var command = new NpgsqlCommand(sql, db);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++)
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public void Cookbook_HasATestedQueryForEveryFile()
    {
        var files = Directory.GetFiles(CookbookDirectory, "*.sql").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["01_townships_by_burden_hours_per_fte.sql", "02_documents_trend_vs_target.sql",
                      "03_units_with_signal_this_quarter.sql", "04_coverage_gaps.sql", "05_what_we_reported_on.sql",
                      "06_documents_year_to_date.sql", "07_what_restatements_did.sql"], files);
    }

    [Fact]
    public async Task TownshipsByBurdenHoursPerFte_RanksLastYearsHoursPerStaff()
    {
        var rows = await RunAsync("01_townships_by_burden_hours_per_fte.sql");

        // T1: 70 documents x 60 min = 70 h over 10 + 5 FTE = 4.67 h/FTE; 70 / (15 x 2000 h) = 0.23% of working time;
        // index 100 x 70 / 100 (Y0) = 70.
        Assert.Equal(("T1", 1L, 70.0m, 4.67m, 0.23m, 70.0m, "ok"),
            ((string)rows[0]["unit_code"]!, (long)rows[0]["rank"]!, (decimal)rows[0]["burden_hours"]!, (decimal)rows[0]["hours_per_fte"]!,
             (decimal)rows[0]["percent_of_working_time"]!, (decimal)rows[0]["burden_index"]!, (string)rows[0]["status"]!));
        // T2: 40 h over 25 FTE = 1.60; 40 / 50 = index 80.
        Assert.Equal(("T2", 2L, 40.0m, 1.60m, 80.0m),
            ((string)rows[1]["unit_code"]!, (long)rows[1]["rank"]!, (decimal)rows[1]["burden_hours"]!, (decimal)rows[1]["hours_per_fte"]!,
             (decimal)rows[1]["burden_index"]!));
        // T3 has no staff: when it has hours last year (its meetings), it comes last without a per-FTE value.
        Assert.All(rows.Skip(2), r => { Assert.Equal("T3", r["unit_code"]); Assert.Null(r["hours_per_fte"]); });
    }

    [Fact]
    public async Task DocumentsTrendVsTarget_ShowsTheBaseYearLastYearAndTheRunningYear()
    {
        var rows = await RunAsync("02_documents_trend_vs_target.sql");

        Assert.Equal(3, rows.Count);
        Assert.Equal((150m, 150m, 0.0m, "ok"), ((decimal)rows[0]["documents"]!, (decimal)rows[0]["base_documents"]!,
            (decimal)rows[0]["reduction_percent"]!, (string)rows[0]["status"]!));
        // Y1: 70 + 40 = 110 against 150: 1 - 110/150 = 26.7%; 26.7 / 30 = 88.9% of the target, not met.
        Assert.Equal((110m, 26.7m, 30.0m, 88.9m, false, "ok"),
            ((decimal)rows[1]["documents"]!, (decimal)rows[1]["reduction_percent"]!, (decimal)rows[1]["target_percent"]!,
             (decimal)rows[1]["attainment_percent"]!, (bool)rows[1]["target_met"]!, (string)rows[1]["status"]!));
        Assert.Equal("incomplete_period", rows[2]["status"]);
        Assert.Null(rows[2]["reduction_percent"]);
    }

    [Fact]
    public async Task UnitsWithSignalThisQuarter_ListsTheMeetingsMovedOnlineWithEvidence()
    {
        var rows = await RunAsync("03_units_with_signal_this_quarter.sql");

        // V3's pattern shows in V3 and every unit above it (their values are V3's): one row, the top of the
        // chain, with the three that only repeat it grouped under it.
        var row = Assert.Single(rows);
        Assert.Equal(("C", "meetings_online", 3L), ((string)row["unit_code"]!, (string)row["signal"]!, (long)row["grouped_children"]!));
        Assert.True((decimal)row["score"]! >= 3m, $"score {row["score"]}");   // -log10 p: 50 of 150 offline meetings where 75 were expected
        Assert.Contains("meeting.offline/count: 100.00 -> 50.00 (-50%), p = ", (string)row["evidence"]!);
        Assert.Contains("meeting.*/attendee_minutes: 1200.00 -> 1200.00 (0%)", (string)row["evidence"]!);
    }

    [Fact]
    public async Task CoverageGaps_NamesTheMissingDaysAndWhatTheyWithhold()
    {
        var rows = await RunAsync("04_coverage_gaps.sql");

        var gap = Assert.Single(rows);
        Assert.Equal(("grid", "checkins", new DateOnly(scenario.Y1, 6, 10), new DateOnly(scenario.Y1, 6, 12), 3),
            ((string)gap["source"]!, (string)gap["stream"]!, (DateOnly)gap["first_day"]!, (DateOnly)gap["last_day"]!, (int)gap["days"]!));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture,
            $"metrics-pipeline backfill --from {scenario.Y1}-06-10 --to {scenario.Y1}-06-12 --source grid"), gap["fill_with"]);
        // Withheld: June (27 / 30 = 0.9) and every ISO week holding a missing day (at most 6 / 7); the quarter
        // (88 / 91 = 0.967) and the year stay published.
        var weeks = Enumerable.Range(10, 3).Select(d => ISOWeek.GetWeekOfYear(new DateTime(scenario.Y1, 6, d))).Distinct().Count();
        Assert.Equal(1L + weeks, gap["periods_withheld"]);
    }

    [Fact]
    public async Task WhatWeReportedOn_AWeekAgoNothingWasPublishedYet()
    {
        // Every value of this warehouse was computed just now: a week ago there was nothing to report.
        Assert.Empty(await RunAsync("05_what_we_reported_on.sql"));

        // Move the computation times back two weeks: then the query shows last year's documents as reported.
        await using var db = await OpenAsync(scenario.ConnectionString);
        await using var tx = await db.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        await db.ExecuteAsync("UPDATE marts.period_sums SET value_since = value_since - interval '14 days'", transaction: tx);
        await db.ExecuteAsync("UPDATE marts.period_coverage SET known_since = known_since - interval '14 days'", transaction: tx);
        var sql = await File.ReadAllTextAsync(Path.Combine(CookbookDirectory, "05_what_we_reported_on.sql"));
        var rows = (await db.QueryAsync(sql, transaction: tx)).Cast<IDictionary<string, object?>>()
            .Select(r => (Category: (string)r["category"]!, PeriodStart: (DateOnly)r["period_start"]!, ValueThen: (decimal?)r["value_then"],
                          Restated: (bool)r["restated"]!))
            .ToList();
        await tx.RollbackAsync();
        // Last year's formal documents: 110, as reported, not restated since.
        Assert.Contains(rows, r => r.Category == "document.formal" && r.PeriodStart == new DateOnly(scenario.Y1, 1, 1)
                                   && r.ValueThen == 110m && !r.Restated);
    }

    [Fact]
    public async Task DocumentsYearToDate_ComparesTheTownshipsWithTheSameDaysOfTheBaseYear()
    {
        var rows = await RunAsync("06_documents_year_to_date.sql");

        var yesterday = DateOnly.FromDateTime(DateTime.Today).AddDays(-1);
        if (yesterday.Year != DateTime.Today.Year)
        {
            Assert.Empty(rows); // 1 January: no day of this year is complete yet
            return;
        }
        // No document this year; in the base year T1 had 100 and T2 50 on 1 March: counted once the span reaches it.
        Assert.Equal(["T1", "T2"], rows.Select(r => (string)r["unit_code"]!).Order());
        var reachesMarch = yesterday >= new DateOnly(yesterday.Year, 3, 1);
        foreach (var row in rows)
        {
            Assert.Equal(yesterday, row["through_day"]);
            Assert.Equal(0m, row["documents"]);
            Assert.Equal(100.0m, row["coverage_percent"]);
            if (reachesMarch)
                Assert.Equal((100.0m, "ok"), ((decimal)row["reduction_percent"]!, (string)row["status"]!));
            else
                Assert.Equal(("base_zero", (object?)null), ((string)row["status"]!, row["reduction_percent"]));
        }
        Assert.Equal(reachesMarch ? 100m : 0m, rows.Single(r => (string)r["unit_code"]! == "T1")["base_documents"]);
    }

    [Fact]
    public async Task WhatRestatementsDid_ShowsTheReductionAndStatusBeforeAndAfter()
    {
        Assert.Empty(await RunAsync("07_what_restatements_did.sql"));

        // Ten late documents of V1 for 2 March of last year, loaded and refreshed (rolled back afterwards).
        await using var db = await OpenAsync(scenario.ConnectionString);
        await using var tx = await db.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('oa', 'docs', make_date(@y1, 3, 2), 'V1', 'document.formal', 'count', 10, now(), 1);
            SELECT marts.refresh_periods(make_date(@y1, 3, 2), make_date(@y1, 3, 2), '{document.formal}');
            """, new { y1 = scenario.Y1 }, tx);
        var sql = await File.ReadAllTextAsync(Path.Combine(CookbookDirectory, "07_what_restatements_did.sql"));
        await db.ExecuteAsync("SET LOCAL ROLE metrics_analyst", transaction: tx);
        var rows = (await db.QueryAsync(sql, transaction: tx)).Cast<IDictionary<string, object?>>().ToList();
        await tx.RollbackAsync();

        // The county's year: 110 -> 120 against 150: 26.7% -> 20.0%, ok both times.
        var year = rows.Single(r => (string)r["unit_code"]! == "K" && (string)r["period_kind"]! == "year" && (string)r["category"]! == "document.formal"
                                    && (string)r["measure"]! == "count");
        Assert.Equal((110m, 120m, 26.7m, 20.0m, "ok", "ok"),
            ((decimal)year["old_value"]!, (decimal)year["new_value"]!, (decimal)year["old_reduction_percent"]!, (decimal)year["new_reduction_percent"]!,
             (string)year["old_status"]!, (string)year["new_status"]!));
    }
}
