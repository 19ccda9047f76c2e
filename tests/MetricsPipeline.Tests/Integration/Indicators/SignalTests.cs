using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// A warehouse where each disguised-burden signal must fire on one unit and must not on its control.
/// Base year 2021; one stream feeds every category and was pulled every day of 2021 .. 2023. Every flow
/// event of a quarter sits on its first-month's 1st day (2021-02-01, 2022-02-01, 2023-02-01 for Q1).
/// <code>
///   C city ─ K county ─┬ MO, MO0, RD, RD0, LD, LD0, IR, IR0, AG, AG0, RB, RB0, BI, BI0   townships
///                      ├ E  township ─ E1, E2 villages       (escalation)
///                      ├ E0 township ─ E01, E02 villages     (its control)
///                      ├ H  township ─ H1 .. H4 villages     (target heaping)
///                      └ H0 township ─ H01 .. H04 villages   (its control)
/// </code>
/// </summary>
public sealed class SignalScenarioFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    internal const string Seed = """
        UPDATE ref.indicator_settings SET value = '2021' WHERE key = 'base_period';
        INSERT INTO ref.units (code, name, parent_code, level, headcount)
        SELECT 'C', 'City', NULL, 'city', 10 UNION ALL SELECT 'K', 'County', 'C', 'county', 10
        UNION ALL SELECT code, 'Township ' || code, 'K', 'township', 10
        FROM unnest('{MO,MO0,RD,RD0,LD,LD0,IR,IR0,AG,AG0,RB,RB0,BI,BI0,E,E0,H,H0}'::text[]) code
        UNION ALL SELECT code, 'Village ' || code, parent, 'village', 5
        FROM (VALUES ('E1','E'),('E2','E'),('E01','E0'),('E02','E0'),('H1','H'),('H2','H'),('H3','H'),('H4','H'),
                     ('H01','H0'),('H02','H0'),('H03','H0'),('H04','H0')) v(code, parent);
        INSERT INTO ref.streams (source, stream, provider, time_zone, history_from, measures, categories)
        SELECT 'src', 'all', 'postgres', 'Asia/Shanghai', '2021-01-01', '{count,minutes,attendee_minutes,pages,active}',
               ARRAY(SELECT category FROM ref.categories);
        INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
        SELECT 'src', 'all', d::date, 1, now() FROM generate_series('2021-01-01'::date, '2023-12-31'::date, interval '1 day') d;
        INSERT INTO ref.targets (category_pattern, scope_unit, base_period, reduction, public_source, origin)
        VALUES ('document.*', NULL, '2021', 0.30, 'test target', 'config');

        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT 'src', 'all', day::date, unit_code, category, measure, value, now(), 1 FROM (VALUES
            -- Counts are large enough to tell from chance (each signal's min_volume and p_max): a 10 -> 5 is not.
            -- meetings_online: offline 100 -> 50, online minutes 100 -> 400, attendee minutes 1000+200 -> 600+600 (flat)
            ('2022-02-01','MO','meeting.offline','count',100), ('2023-02-01','MO','meeting.offline','count',50),
            ('2022-02-01','MO','meeting.offline','attendee_minutes',1000), ('2023-02-01','MO','meeting.offline','attendee_minutes',600),
            ('2022-02-01','MO','meeting.online','minutes',100), ('2023-02-01','MO','meeting.online','minutes',400),
            ('2022-02-01','MO','meeting.online','attendee_minutes',200), ('2023-02-01','MO','meeting.online','attendee_minutes',600),
            -- control: the same, but attendee minutes 1200 -> 1800 (+50%): time was not saved, but it grew, not flat
            ('2022-02-01','MO0','meeting.offline','count',100), ('2023-02-01','MO0','meeting.offline','count',50),
            ('2022-02-01','MO0','meeting.offline','attendee_minutes',1000), ('2023-02-01','MO0','meeting.offline','attendee_minutes',600),
            ('2022-02-01','MO0','meeting.online','minutes',100), ('2023-02-01','MO0','meeting.online','minutes',400),
            ('2022-02-01','MO0','meeting.online','attendee_minutes',200), ('2023-02-01','MO0','meeting.online','attendee_minutes',1200),
            -- relabelled_documents: formal 100 -> 50, informal 20 -> 70, total 120 -> 120
            ('2022-02-01','RD','document.formal','count',100), ('2023-02-01','RD','document.formal','count',50),
            ('2022-02-01','RD','document.informal','count',20), ('2023-02-01','RD','document.informal','count',70),
            -- control: formal 100 -> 50, informal 20 -> 20 (a real cut)
            ('2022-02-01','RD0','document.formal','count',100), ('2023-02-01','RD0','document.formal','count',50),
            ('2022-02-01','RD0','document.informal','count',20), ('2023-02-01','RD0','document.informal','count',20),
            -- longer_documents: formal 100 -> 50, pages 500 -> 500 (5 -> 10 pages per document)
            ('2022-02-01','LD','document.formal','count',100), ('2023-02-01','LD','document.formal','count',50),
            ('2022-02-01','LD','document.formal','pages',500), ('2023-02-01','LD','document.formal','pages',500),
            -- control: pages 500 -> 250 (still 5 pages per document)
            ('2022-02-01','LD0','document.formal','count',100), ('2023-02-01','LD0','document.formal','count',50),
            ('2022-02-01','LD0','document.formal','pages',500), ('2023-02-01','LD0','document.formal','pages',250),
            -- inspections_to_requests: on-site 100 -> 50, data requests 40 -> 120; control: requests 40 -> 40
            ('2022-02-01','IR','inspection.onsite','count',100), ('2023-02-01','IR','inspection.onsite','count',50),
            ('2022-02-01','IR','data_request','count',40), ('2023-02-01','IR','data_request','count',120),
            ('2022-02-01','IR0','inspection.onsite','count',100), ('2023-02-01','IR0','inspection.onsite','count',50),
            ('2022-02-01','IR0','data_request','count',40), ('2023-02-01','IR0','data_request','count',40),
            -- rebound: base Q1 2021 100, Q1 2022 50 (-50%), Q1 2023 120 (above base); control: Q1 2023 90
            ('2021-02-01','RB','report_form','count',100), ('2022-02-01','RB','report_form','count',50), ('2023-02-01','RB','report_form','count',120),
            ('2021-02-01','RB0','report_form','count',100), ('2022-02-01','RB0','report_form','count',50), ('2023-02-01','RB0','report_form','count',90),
            -- base_inflation: 2021 Q1..Q3 100 each, Q4 200 (+100%); control: Q4 110 (+10%)
            ('2021-02-01','BI','check_in','count',100), ('2021-05-01','BI','check_in','count',100),
            ('2021-08-01','BI','check_in','count',100), ('2021-11-01','BI','check_in','count',200),
            ('2021-02-01','BI0','check_in','count',100), ('2021-05-01','BI0','check_in','count',100),
            ('2021-08-01','BI0','check_in','count',100), ('2021-11-01','BI0','check_in','count',110),
            -- escalation: E issues 100 (both years); its 2 villages received 100 each in 2022 (ratio 1.0), 150 each in 2023 (1.5)
            ('2022-02-01','E','task.issued','count',100), ('2023-02-01','E','task.issued','count',100),
            ('2022-02-01','E1','task.received','count',100), ('2023-02-01','E1','task.received','count',150),
            ('2022-02-01','E2','task.received','count',100), ('2023-02-01','E2','task.received','count',150),
            -- control: E0's villages received 100 each both years (passed on one to one)
            ('2022-02-01','E0','task.issued','count',100), ('2023-02-01','E0','task.issued','count',100),
            ('2022-02-01','E01','task.received','count',100), ('2023-02-01','E01','task.received','count',100),
            ('2022-02-01','E02','task.received','count',100), ('2023-02-01','E02','task.received','count',100),
            -- target_heaping (document.*, 30% against 2021): H's villages 20 -> 14, 14, 14, 18 (-30%, -30%, -30%, -10%)
            ('2021-02-01','H1','document.formal','count',20), ('2023-02-01','H1','document.formal','count',14),
            ('2021-02-01','H2','document.formal','count',20), ('2023-02-01','H2','document.formal','count',14),
            ('2021-02-01','H3','document.formal','count',20), ('2023-02-01','H3','document.formal','count',14),
            ('2021-02-01','H4','document.formal','count',20), ('2023-02-01','H4','document.formal','count',18),
            -- control: H0's villages -30%, -25%, -10%, -45%
            ('2021-02-01','H01','document.formal','count',20), ('2023-02-01','H01','document.formal','count',14),
            ('2021-02-01','H02','document.formal','count',20), ('2023-02-01','H02','document.formal','count',15),
            ('2021-02-01','H03','document.formal','count',20), ('2023-02-01','H03','document.formal','count',18),
            ('2021-02-01','H04','document.formal','count',20), ('2023-02-01','H04','document.formal','count',11)
        ) AS f(day, unit_code, category, measure, value);

        -- apps_to_groups (stocks, every day of Q1 2022 and Q1 2023): AG apps 80 -> 40, groups 40 -> 100 (tools 120 -> 140);
        -- control AG0: apps 80 -> 40, groups 40 -> 40 (tools 120 -> 80: a real cut)
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT 'src', 'all', d::date, s.unit_code, s.category, 'active',
               CASE WHEN d < '2023-01-01' THEN s.before ELSE s.after END, now(), 1
        FROM (VALUES ('AG', 'digital_tool.app', 80, 40), ('AG', 'digital_tool.work_group', 40, 100),
                     ('AG0', 'digital_tool.app', 80, 40), ('AG0', 'digital_tool.work_group', 40, 40)) s(unit_code, category, before, after)
        CROSS JOIN generate_series('2022-01-01'::date, '2023-03-31'::date, interval '1 day') d
        WHERE d < '2022-04-01' OR d >= '2023-01-01';

        SELECT marts.refresh_periods('2021-01-01', '2023-12-31', ARRAY(SELECT category FROM ref.categories));
        """;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateWarehouseAsync("signals");
        await using var db = await OpenAsync(ConnectionString);
        await db.ExecuteAsync(Seed);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>marts.refresh_signals: each signal on constructed data where it must fire, and on a control where it must not.</summary>
public sealed class SignalTests(SignalScenarioFixture scenario) : IClassFixture<SignalScenarioFixture>
{
    private sealed class SignalRow
    {
        public long SignalId { get; init; }
        public string? Category { get; init; }
        public DateTime PeriodStart { get; init; }
        public DateTime StartedOn { get; init; }
        public decimal Score { get; init; }
        public decimal Effect { get; init; }
        public double PValue { get; init; }
        public string Scope { get; init; } = "";
        public long? GroupedUnder { get; init; }
        public string Summary { get; init; } = "";
    }

    /// <summary>Fired beyond chance: p at or below the default p_max 0.001, and the score is -log10 p (capped at 10).</summary>
    private static void AssertSignificant(SignalRow fired)
    {
        Assert.InRange(fired.PValue, 0, 0.001);
        Assert.Equal(Math.Round((decimal)Math.Min(10, -Math.Log10(fired.PValue)), 2), fired.Score);
    }

    private async Task<List<SignalRow>> SignalsAsync(string signal, string unit)
    {
        await using var db = await OpenAsync(scenario.ConnectionString);
        return (await db.QueryAsync<SignalRow>("""
            SELECT signal_id AS SignalId, category AS Category, period_start AS PeriodStart, started_on AS StartedOn,
                   score AS Score, effect AS Effect, p_value AS PValue, scope AS Scope, grouped_under AS GroupedUnder, summary AS Summary
            FROM marts.signals WHERE signal = @signal AND unit_code = @unit ORDER BY period_start
            """, new { signal, unit })).ToList();
    }

    private async Task<Dictionary<string, (decimal? Before, decimal? After, decimal? Change)>> EvidenceAsync(long signalId)
    {
        await using var db = await OpenAsync(scenario.ConnectionString);
        var rows = await db.QueryAsync<(string Series, decimal? Before, decimal? After, decimal? Change)>(
            "SELECT series, before_value, after_value, change FROM marts.signal_evidence WHERE signal_id = @signalId", new { signalId });
        return rows.ToDictionary(r => r.Series, r => (r.Before, r.After, r.Change));
    }

    private static readonly DateTime Q1Of2023 = new(2023, 1, 1);

    [Fact]
    public async Task MeetingsMovedOnline_FiresWhenAttendeeTimeIsFlat_NotWhenItGrew()
    {
        var fired = Assert.Single(await SignalsAsync("meetings_online", "MO"));
        Assert.Equal(Q1Of2023, fired.PeriodStart);
        Assert.Equal(Q1Of2023, fired.StartedOn);
        Assert.Equal(0.5m, fired.Effect);                         // offline 100 -> 50
        AssertSignificant(fired);
        Assert.Equal("own", fired.Scope);                         // a township without villages: its counts are its own
        var evidence = await EvidenceAsync(fired.SignalId);
        Assert.Equal((100m, 50m, -0.5m), evidence["meeting.offline/count"]);
        Assert.Equal((100m, 400m, 3m), evidence["meeting.online/minutes"]);
        Assert.Equal((1200m, 1200m, 0m), evidence["meeting.*/attendee_minutes"]);   // 1000 + 200 -> 600 + 600

        Assert.Empty(await SignalsAsync("meetings_online", "MO0"));   // 1200 -> 1800 is not flat
    }

    [Fact]
    public async Task RelabelledDocuments_FiresWhenInformalRiseOffsetsFormalDrop_NotOnARealCut()
    {
        var fired = Assert.Single(await SignalsAsync("relabelled_documents", "RD"));
        Assert.Equal(0.5m, fired.Effect);                         // formal 100 -> 50
        AssertSignificant(fired);
        var evidence = await EvidenceAsync(fired.SignalId);
        Assert.Equal((20m, 70m, 2.5m), evidence["document.informal/count"]);
        Assert.Equal((120m, 120m, 0m), evidence["documents/total"]);

        Assert.Empty(await SignalsAsync("relabelled_documents", "RD0"));
    }

    [Fact]
    public async Task LongerDocuments_FiresWhenPagesPerDocumentRise_NotWhenLengthIsSteady()
    {
        var fired = Assert.Single(await SignalsAsync("longer_documents", "LD"));
        Assert.Equal(1m, fired.Effect);                           // 5 -> 10 pages per document: +100%
        AssertSignificant(fired);
        var evidence = await EvidenceAsync(fired.SignalId);
        Assert.Equal((5m, 10m, 1m), evidence["pages_per_document"]);

        Assert.Empty(await SignalsAsync("longer_documents", "LD0"));
    }

    [Fact]
    public async Task InspectionsToRequests_FiresWhenRequestsReplaceVisits_NotWhenRequestsStayFlat()
    {
        var fired = Assert.Single(await SignalsAsync("inspections_to_requests", "IR"));
        Assert.Equal(0.5m, fired.Effect);                         // on-site 100 -> 50
        AssertSignificant(fired);
        var evidence = await EvidenceAsync(fired.SignalId);
        Assert.Equal((40m, 120m, 2m), evidence["data_request/count"]);
        Assert.Equal((0.4m, 2.4m, 5m), evidence["requests_per_inspection"]);   // 40 / 100 -> 120 / 50

        Assert.Empty(await SignalsAsync("inspections_to_requests", "IR0"));
    }

    [Fact]
    public async Task AppsToGroups_FiresWhenGroupsReplaceApps_NotWhenToolsReallyFell()
    {
        var fired = Assert.Single(await SignalsAsync("apps_to_groups", "AG"));
        Assert.Equal(0.5m, fired.Effect);                         // mean apps 80 -> 40
        AssertSignificant(fired);
        var evidence = await EvidenceAsync(fired.SignalId);
        Assert.Equal(40m, evidence["digital_tool.work_group/active_mean"].Before);
        Assert.Equal(100m, evidence["digital_tool.work_group/active_mean"].After);
        Assert.Equal((120m, 140m), (evidence["tools/total"].Before!.Value, evidence["tools/total"].After!.Value));

        Assert.Empty(await SignalsAsync("apps_to_groups", "AG0"));
    }

    [Fact]
    public async Task Escalation_FiresWhenChildrenReceiveMoreThanTheParentIssued_NotOnOneToOne()
    {
        var fired = Assert.Single(await SignalsAsync("escalation", "E"));
        Assert.Equal(1.5m, fired.Effect);                         // (150 + 150) / (2 children x 100 issued)
        AssertSignificant(fired);
        var evidence = await EvidenceAsync(fired.SignalId);
        Assert.Equal((1m, 1.5m), (evidence["received_per_child_per_issued"].Before!.Value, evidence["received_per_child_per_issued"].After!.Value));
        Assert.Equal((200m, 300m), (evidence["task.received/count (children, own)"].Before!.Value, evidence["task.received/count (children, own)"].After!.Value));

        Assert.Empty(await SignalsAsync("escalation", "E0"));     // (10 + 10) / (2 x 10) = 1
        Assert.Empty(await SignalsAsync("escalation", "K"));      // the county issued nothing itself
    }

    [Fact]
    public async Task Rebound_FiresWhenAReductionDecaysBackAboveBase_NotWhileStillBelow()
    {
        var fired = Assert.Single(await SignalsAsync("rebound", "RB"));
        Assert.Equal("report_form", fired.Category);
        Assert.Equal(Q1Of2023, fired.PeriodStart);
        Assert.Equal(new DateTime(2022, 4, 1), fired.StartedOn);  // the quarter after the lowest (Q1 2022: -50%)
        Assert.Equal(0.2m, fired.Effect);                         // 120 / 100 - 1
        AssertSignificant(fired);

        Assert.Empty(await SignalsAsync("rebound", "RB0"));       // 90 < 100
    }

    [Fact]
    public async Task BaseInflation_FiresWhenTheBaseYearEndsWithAJump_NotOnNoise()
    {
        var fired = Assert.Single(await SignalsAsync("base_inflation", "BI"));
        Assert.Equal("check_in", fired.Category);
        Assert.Equal(new DateTime(2021, 10, 1), fired.PeriodStart);
        Assert.Equal(1m, fired.Effect);                           // 200 / mean(100, 100, 100) - 1
        AssertSignificant(fired);

        Assert.Empty(await SignalsAsync("base_inflation", "BI0")); // 110 / 100 - 1 = 0.1 < 0.3
    }

    [Fact]
    public async Task TargetHeaping_FiresWhenMostChildrenReportExactlyTheTarget_NotOnASpread()
    {
        var fired = Assert.Single(await SignalsAsync("target_heaping", "H"));
        Assert.Equal("document.formal", fired.Category);
        Assert.Equal(new DateTime(2023, 1, 1), fired.PeriodStart);
        Assert.Equal(0.75m, fired.Effect);                        // 3 of 4 villages at exactly -30%
        AssertSignificant(fired);                                 // 3 of 3 within +-10 points at +-0.5: chance 0.05^3
        var evidence = await EvidenceAsync(fired.SignalId);
        Assert.Equal(["H1", "H2", "H3"], evidence.Keys.Order());
        Assert.Equal((0.3m, 0.3m), (evidence["H1"].Before!.Value, evidence["H1"].After!.Value));

        Assert.Empty(await SignalsAsync("target_heaping", "H0")); // -30%, -25%, -10%, -45%: one at the target
    }

    [Fact]
    public async Task Thresholds_AreReadFromTheTable()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);
        await using var tx = await db.BeginTransactionAsync();
        // Demand a 60% offline drop: MO's 50% no longer qualifies.
        await db.ExecuteAsync("UPDATE ref.signal_thresholds SET value = 0.6 WHERE signal = 'meetings_online' AND key = 'drop'", transaction: tx);
        await db.ExecuteAsync("SELECT marts.refresh_signals('2023-01-01', '2023-03-31')", transaction: tx);

        var count = await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM marts.signals WHERE signal = 'meetings_online' AND unit_code = 'MO'", transaction: tx);
        Assert.Equal(0, count);
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task SignalsWithEvidence_ShowsEachSignalWithItsEvidenceLine()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var line = await db.ExecuteScalarAsync<string>(
            "SELECT evidence FROM marts.signals_with_evidence WHERE signal = 'relabelled_documents' AND unit_code = 'RD'");

        // The p on the formal series: its share of all documents, 100 of 120 -> 50 of 120.
        Assert.Equal("document.formal/count: 100.00 -> 50.00 (-50%), p = 2.7e-05; document.informal/count: 20.00 -> 70.00 (250%); documents/total: 120.00 -> 120.00 (0%)", line);
    }

    [Fact]
    public async Task RefreshOfTheRunningQuartersDays_LeavesEverySignalAsItWas()
    {
        // A service round re-pulls days of the running quarter (today is always in it): no ended quarter or year holds them, so the
        // refresh returns before reading any quarter (the early exit that keeps a round under a second).
        await using var db = await OpenAsync(scenario.ConnectionString);
        await using var tx = await db.BeginTransactionAsync();
        const string snapshot = """
            SELECT string_agg(format('%s %s %s %s %s %s %s', signal_id, signal, unit_code, period_start, score, computed_at, grouped_under), '; ' ORDER BY signal_id)
            FROM marts.signals
            """;
        var before = await db.ExecuteScalarAsync<string?>(snapshot, transaction: tx);
        Assert.False(string.IsNullOrEmpty(before), "the scenario has no signal to keep");

        await db.ExecuteAsync("SELECT marts.refresh_signals(current_date, current_date)", transaction: tx);

        Assert.Equal(before, await db.ExecuteScalarAsync<string?>(snapshot, transaction: tx));
        await tx.RollbackAsync();
    }
}
