using System.Text.RegularExpressions;
using Dapper;
using MetricsPipeline.Warehouse;
using Npgsql;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// Signals read Chinese first (issue 12, V47): every signal type has its labels in ref.signal_types, and every
/// signal a Chinese summary with the English one's numbers and p-value. Over the warehouses of
/// <see cref="SignalScenarioFixture"/> and <see cref="SignalJudgementFixture"/>, which between them fire every type.
/// </summary>
public sealed partial class SignalSummaryTests(SignalScenarioFixture scenario, SignalJudgementFixture judgement)
    : IClassFixture<SignalScenarioFixture>, IClassFixture<SignalJudgementFixture>
{
    [GeneratedRegex(@"[0-9]+(?:\.[0-9]+)?(?:e[-+][0-9]+)?")]
    private static partial Regex Number();

    /// <summary>The p-value at the end of a summary, in either language: "... (own counts; p = 2.7e-05)".</summary>
    [GeneratedRegex(@"p = ([0-9.e+-]+)\)$")]
    private static partial Regex PValue();

    /// <summary>The numbers of a summary as written (a date is three of them), signs and units left out.</summary>
    internal static IEnumerable<string> Numbers(string text) => Number().Matches(text).Select(m => m.Value);

    private sealed record Summary(long SignalId, string Signal, string UnitCode, string English, string Chinese);

    private static async Task<List<Summary>> SummariesAsync(string connectionString)
    {
        await using var db = await OpenAsync(connectionString);
        return (await db.QueryAsync<Summary>("""
            SELECT signal_id AS SignalId, signal AS Signal, unit_code AS UnitCode, summary AS English, summary_zh AS Chinese
            FROM marts.signals ORDER BY signal_id
            """)).ToList();
    }

    [Fact]
    public async Task EverySignal_HasAChineseSummaryWithTheEnglishNumbersAndTheSamePValue()
    {
        var summaries = (await SummariesAsync(scenario.ConnectionString)).Concat(await SummariesAsync(judgement.ConnectionString)).ToList();
        await using var db = await OpenAsync(scenario.ConnectionString);
        var types = (await db.QueryAsync<string>("SELECT signal FROM ref.signal_types ORDER BY signal")).ToList();
        Assert.Equal(types, summaries.Select(s => s.Signal).Distinct().Order());   // every type fired in one of the two

        Assert.All(summaries, s =>
        {
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", s.Chinese);
            var p = PValue().Match(s.English);
            Assert.True(p.Success, $"{s.Signal} {s.UnitCode}: no p-value in '{s.English}'");
            Assert.Equal(p.Groups[1].Value, PValue().Match(s.Chinese).Groups[1].Value);
            // Every number of the English sentence is in the Chinese one (which may add a "1" of "per 1 issued").
            var chinese = Numbers(s.Chinese).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(Numbers(s.English).GroupBy(n => n), n => Assert.True(chinese.GetValueOrDefault(n.Key) >= n.Count(),
                $"{s.Signal} {s.UnitCode}: '{n.Key}' {n.Count()} time(s) in '{s.English}', {chinese.GetValueOrDefault(n.Key)} in '{s.Chinese}'"));
            // Whose counts fired, in Chinese.
            Assert.Contains(s.English.Contains("(own counts and with its subtree;") ? "本单位自身数据与含下级均触发"
                : s.English.Contains("(own counts;") ? "(本单位自身数据;" : "(含下级单位数据;", s.Chinese);
        });
    }

    [Fact]
    public async Task EverySignalCodeRefreshSignalsCanEmit_HasASignalTypeWithBothLabels()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);
        var types = (await db.QueryAsync<(string Signal, string LabelZh, string LabelEn, string MeaningZh, string ReadingZh)>(
            "SELECT signal, label_zh, label_en, meaning_zh, reading_zh FROM ref.signal_types ORDER BY signal")).ToList();
        // The codes the column comment lists, and those the function writes into its candidates (SELECT 'code', ...).
        var comment = await db.ExecuteScalarAsync<string>("SELECT col_description('marts.signals'::regclass, 2)");
        var listed = comment!.Split(':')[0].Split(", ").Select(c => c.Trim()).Order().ToList();
        var body = await db.ExecuteScalarAsync<string>("SELECT prosrc FROM pg_proc WHERE oid = 'marts.refresh_signals(date, date)'::regprocedure");
        var emitted = Regex.Matches(body!, @"SELECT '([a-z_]+)', [a-z]+\.(?:unit|parent)_code").Select(m => m.Groups[1].Value).Distinct().Order().ToList();

        Assert.Equal(10, listed.Count);
        Assert.Equal(listed, emitted);
        Assert.Equal(listed, types.Select(t => t.Signal));
        Assert.All(types, t =>
        {
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", t.LabelZh + t.MeaningZh + t.ReadingZh);
            Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", t.LabelEn);
        });
        Assert.Contains(types, t => t.Signal == "document_cascade" && t.LabelZh == "文件层层加码");
        // marts.signals can hold no code without a row there.
        var error = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync("""
            INSERT INTO marts.signals (signal, unit_code, period_kind, period_start, period_end, started_on, score, summary, summary_zh, computed_at)
            VALUES ('no_such_signal', 'K', 'quarter', '2020-01-01', '2020-03-31', '2020-01-01', 1, 'x', '某', now())
            """));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
    }

    [Fact]
    public async Task TheViews_AppendTheLabelsAndTheChineseSummaryAfterTheirEarlierColumns()
    {
        await using var db = await OpenAsync(judgement.ConnectionString);
        foreach (var view in new[] { "signals_with_evidence", "signals_this_quarter" })
        {
            var columns = (await db.QueryAsync<string>("""
                SELECT attname FROM pg_attribute WHERE attrelid = ('marts.' || @view)::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
                """, new { view })).ToList();
            // Then the category's labels, for the dashboards (which cannot read ref).
            Assert.Equal(["grouped_children", "signal_label_zh", "signal_label_en", "summary_zh", "category_label_zh", "category_label_en"], columns[^6..]);
        }
        var row = await db.QuerySingleAsync<(string LabelZh, string LabelEn, string SummaryZh, string Summary)>("""
            SELECT e.signal_label_zh, e.signal_label_en, e.summary_zh, s.summary_zh
            FROM marts.signals_with_evidence e JOIN marts.signals s USING (signal_id) WHERE e.signal = 'document_cascade'
            """);
        Assert.Equal(("文件层层加码", "documents multiplied down the tree"), (row.LabelZh, row.LabelEn));
        Assert.Equal(row.Summary, row.SummaryZh);
    }

    /// <summary>
    /// V47 gives the rows already stored a Chinese summary, translated from the English one: run again (in a
    /// transaction rolled back) on the signals refresh_signals wrote, it writes what refresh_signals wrote, for
    /// every type; summaries in the format before V45 (no p-value ending; target_heaping without its
    /// neighbourhood) translate too, and one in no known format gets the fallback.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task V47_TranslatesTheStoredSummaries_AsRefreshSignalsWritesThem(bool judgementScenario)
    {
        var connectionString = judgementScenario ? judgement.ConnectionString : scenario.ConnectionString;
        var written = (await SummariesAsync(connectionString)).ToDictionary(s => s.SignalId, s => s.Chinese);
        string v47;
        using (var reader = new StreamReader(typeof(WarehouseMigrator).Assembly.GetManifestResourceStream(
            WarehouseMigrator.ResourcePrefix + "V47__signal_labels.sql")!))
            v47 = await reader.ReadToEndAsync();

        await using var db = await OpenAsync(connectionString);
        await using var tx = await db.BeginTransactionAsync();
        await db.ExecuteAsync("""
            DROP TABLE ref.signal_types CASCADE;
            ALTER TABLE marts.signals DROP COLUMN summary_zh CASCADE;
            INSERT INTO marts.signals (signal, unit_code, category, period_kind, period_start, period_end, started_on, score, summary, computed_at)
            VALUES ('target_heaping', 'old', 'document.formal', 'year', '2020-01-01', '2020-12-31', '2020-01-01', 0.75,
                    '3 of 4 units below report a document.formal reduction within 0.500 points of the 30% target', now()),
                   ('rebound', 'old', 'report_form', 'quarter', '2020-01-01', '2020-03-31', '2020-01-01', 0.2,
                    'report_form back 20% above base (120 vs 100) after a 50% reduction in the quarter from 2019-01-01', now()),
                   ('escalation', 'old', NULL, 'quarter', '2020-01-01', '2020-03-31', '2020-01-01', 1.5,
                    'Each of 2 children received 1.50 tasks per task the unit issued (100 issued, 300 received)', now()),
                   ('escalation', 'odd', NULL, 'quarter', '2020-01-01', '2020-03-31', '2020-01-01', 1.5, 'Written by hand', now());
            """, transaction: tx);
        await db.ExecuteAsync(v47, transaction: tx);
        var translated = (await db.QueryAsync<(long SignalId, string UnitCode, string Chinese)>(
            "SELECT signal_id, unit_code, summary_zh FROM marts.signals ORDER BY signal_id", transaction: tx)).ToList();
        await tx.RollbackAsync();

        Assert.NotEmpty(written);
        Assert.All(written, w => Assert.Equal(w.Value, translated.Single(t => t.SignalId == w.Key).Chinese));
        var old = translated.Where(t => !written.ContainsKey(t.SignalId)).Select(t => t.Chinese).ToList();
        Assert.Equal([
            "下级 4 个单位中有 3 个报告的正式文件(红头)减幅与 30% 的目标相差不超过 0.500 个百分点",
            "报表填报回升至比基期高 20%(120 对基期 100),此前自 2019-01-01 起的季度曾比基期减少 50%",
            "2 个下级单位平均每个承接 1.50 项任务/本单位每下派 1 项(下派 100 项,下级共承接 300 项)",
            "层层加码(本条摘要由旧版本写成,无法转为中文,英文原文:Written by hand)",
        ], old);
    }
}
