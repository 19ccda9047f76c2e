using System.Text.Json;
using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Grafana;

/// <summary>
/// Every SQL query of the Grafana dashboards in ops/grafana (panel targets and variable queries) runs
/// against a migrated warehouse the pipeline has loaded, as the metrics_dashboard role the Grafana data
/// source logs in with, and returns rows. A schema change that breaks a panel, or a grant it lacks, fails here.
/// No panel shows a period that has not ended (status incomplete_period): headlines are on the last ended period.
/// </summary>
public sealed class DashboardQueryTests(LoadedWarehouse loaded) : IClassFixture<LoadedWarehouse>
{
    private static readonly string GrafanaFolder = GrafanaFiles.Folder;

    private static List<string> Files() => GrafanaFiles.DashboardFiles();

    public static TheoryData<string> Dashboards() => [.. Files()];

    [Fact]
    public void DashboardsFolder_HoldsTheOperationsAndIndicatorsDashboards() =>
        Assert.Equal(["indicators.json", "operations.json"], Files());

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task EveryPanelQuery_RunsAsTheDashboardRoleAndReturnsRows(string file)
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(GrafanaFolder, file)));
        var variables = await ResolveVariablesAsync(dashboard.RootElement);
        // The macros print whole seconds, as Grafana's do: end the range at the next second, or a row the
        // fixture wrote earlier in this second (a restatement, say) falls after $__timeTo.
        var now = DateTimeOffset.UtcNow.AddSeconds(1);
        var grafana = new GrafanaQuery(now.AddDays(-400), now, TimeSpan.FromHours(1), variables);

        var panels = Panels(dashboard.RootElement).ToDictionary(p => p.GetProperty("title").GetString()!);
        var targets = Panels(dashboard.RootElement)
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (Panel: p.GetProperty("title").GetString()!, Target: t)))
            .ToList();
        Assert.True(targets.Count >= 6, $"{file}: only {targets.Count} queries found; the test would prove little");
        var problems = new List<string>();
        foreach (var (title, target) in targets)
        {
            Assert.Equal("grafana-postgresql-datasource", target.GetProperty("datasource").GetProperty("type").GetString());
            var sql = grafana.Expand(target.GetProperty("rawSql").GetString()!);
            var (columns, rows, incomplete, unlabelled, error) = await RunAsDashboardAsync(sql);
            if (error is not null)
                problems.Add($"'{title}': {error}\n{sql}");
            else if (rows == 0)
                problems.Add($"'{title}': no rows on a loaded warehouse\n{sql}");
            else if (incomplete > 0)
                problems.Add($"'{title}': {incomplete} rows with status incomplete_period; show the last ended period\n{sql}");
            else if (unlabelled > 0)
                problems.Add($"'{title}': {unlabelled} rows whose *_label_zh column holds no Chinese (a label missing, the code shown)\n{sql}");
            else if (target.GetProperty("format").GetString() == "time_series" && !columns.Contains("time"))
                problems.Add($"'{title}': a time series without a time column ({string.Join(", ", columns)})");
            // Users read Chinese first: every column shown has a Chinese display name; a time series with a metric
            // column is named by the metric's values instead (the queries give them in Chinese).
            else if (!columns.Contains("metric") && columns.Where(c => c != "time").Except(ChineseDisplayNames(panels[title])).ToList() is { Count: > 0 } unnamed)
                problems.Add($"'{title}': columns shown under their SQL name, without a Chinese display name (fieldConfig.overrides byName displayName): {string.Join(", ", unnamed)}");
        }
        Assert.True(problems.Count == 0, $"{file}:\n" + string.Join("\n\n", problems));
    }

    /// <summary>
    /// The signal panels show the signals of the chosen unit's subtree (marts.unit_tree): a village's signal for the
    /// village, its township and its county; not for the township beside them; a county's signal for the county alone.
    /// </summary>
    [Theory]
    [InlineData("C01", new[] { LoadedWarehouse.CountySignal, LoadedWarehouse.VillageSignal })]
    [InlineData("T01", new[] { LoadedWarehouse.VillageSignal })]
    [InlineData("V01", new[] { LoadedWarehouse.VillageSignal })]
    [InlineData("T02", new string[0])]
    [InlineData("V02", new string[0])]
    public async Task SignalPanels_ShowTheSignalsOfTheChosenUnitsSubtreeOnly(string unit, string[] expected)
    {
        using var dashboard = GrafanaFiles.Dashboard("indicators.json");
        var variables = await ResolveVariablesAsync(dashboard.RootElement);
        variables["unit"] = [unit];
        var now = DateTimeOffset.UtcNow.AddSeconds(1);
        var grafana = new GrafanaQuery(now.AddDays(-400), now, TimeSpan.FromHours(1), variables);

        var signalPanels = Panels(dashboard.RootElement)
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (Panel: p.GetProperty("title").GetString()!, Sql: t.GetProperty("rawSql").GetString()!)))
            .Where(t => t.Sql.Contains("marts.signals", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, signalPanels.Count); // the last ended quarter, and the history
        foreach (var (title, sql) in signalPanels)
        {
            var signals = await ColumnAsDashboardAsync(grafana.Expand(sql), "signal");
            Assert.True(signals.Distinct().Order().SequenceEqual(expected.Order()),
                $"'{title}' for unit {unit}: expected the signals [{string.Join(", ", expected)}], got [{string.Join(", ", signals)}]");
        }
    }

    /// <summary>
    /// The signal panels are Chinese first: the signal type's Chinese label (ref.signal_types via the signals views),
    /// the Chinese summary and the category's Chinese label, each shown under a Chinese display name; the code stays
    /// beside them for filtering.
    /// </summary>
    [Fact]
    public async Task SignalPanels_ShowTheChineseLabelAndSummaryOfEachSignal()
    {
        using var dashboard = GrafanaFiles.Dashboard("indicators.json");
        var variables = await ResolveVariablesAsync(dashboard.RootElement);
        variables["unit"] = ["C01"];
        var now = DateTimeOffset.UtcNow.AddSeconds(1);
        var grafana = new GrafanaQuery(now.AddDays(-400), now, TimeSpan.FromHours(1), variables);
        await using var dashboardConnection = await OpenAsDashboardAsync();
        // What the warehouse holds for the fixture's two signals (read as the superuser: the dashboards cannot read ref).
        await using var owner = new NpgsqlConnection(loaded.Warehouse);
        var expected = (await owner.QueryAsync<(string Signal, string LabelZh, string CategoryZh)>(
                "SELECT st.signal, st.label_zh, coalesce(c.label_zh, '') FROM ref.signal_types st LEFT JOIN ref.categories c ON c.category = @category WHERE st.signal = ANY (@signals)",
                new { category = "document.formal", signals = new[] { LoadedWarehouse.CountySignal, LoadedWarehouse.VillageSignal } }))
            .ToDictionary(r => r.Signal);
        Assert.Equal(2, expected.Count);

        var signalPanels = Panels(dashboard.RootElement)
            .Where(p => p.GetProperty("targets")[0].GetProperty("rawSql").GetString()!.Contains("marts.signals", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, signalPanels.Count);
        foreach (var panel in signalPanels)
        {
            var title = panel.GetProperty("title").GetString()!;
            Assert.Contains("隐性负担信号", title);
            var names = DisplayNames(panel);
            foreach (var column in new[] { "signal_label_zh", "summary_zh", "category_label_zh" })
                Assert.True(names.TryGetValue(column, out var name) && HasChinese(name), $"'{title}': {column} has no Chinese display name");
            var sql = grafana.Expand(panel.GetProperty("targets")[0].GetProperty("rawSql").GetString()!);
            var rows = (await dashboardConnection.QueryAsync(sql)).Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal(2, rows.Count);
            foreach (var row in rows)
            {
                var signal = (string)row["signal"]!;
                Assert.Equal(expected[signal].LabelZh, row["signal_label_zh"]);
                Assert.True(row["summary_zh"] is string summary && HasChinese(summary), $"'{title}', {signal}: summary_zh is '{row["summary_zh"]}'");
                Assert.DoesNotContain("summary", row.Keys); // the English summary is not what this dashboard shows
            }
            var county = rows.Single(r => (string)r["signal"]! == LoadedWarehouse.CountySignal);
            Assert.Equal("正式文件减少,非正式文件增加大致同样多:总数持平。", county["summary_zh"]);
            Assert.Equal(expected[LoadedWarehouse.CountySignal].CategoryZh, county["category_label_zh"]);
            Assert.Equal("document.formal", county["category"]);
            Assert.True(HasChinese((string)county["category_label_zh"]!));
        }
    }

    private static bool HasChinese(string text) => text.Any(c => c is >= '\u4e00' and <= '\u9fff');

    /// <summary>The display names a panel gives its columns: fieldConfig.overrides matching byName with a displayName.</summary>
    private static Dictionary<string, string> DisplayNames(JsonElement panel) =>
        panel.GetProperty("fieldConfig").GetProperty("overrides").EnumerateArray()
            .Where(o => o.GetProperty("matcher").GetProperty("id").GetString() == "byName")
            .SelectMany(o => o.GetProperty("properties").EnumerateArray()
                .Where(p => p.GetProperty("id").GetString() == "displayName")
                .Select(p => (Column: o.GetProperty("matcher").GetProperty("options").GetString()!, Name: p.GetProperty("value").GetString()!)))
            .ToDictionary(x => x.Column, x => x.Name);

    /// <summary>The columns of a panel that are shown under a Chinese display name (or not shown: excluded by an organize transformation).</summary>
    private static IEnumerable<string> ChineseDisplayNames(JsonElement panel)
    {
        var named = DisplayNames(panel).Where(n => HasChinese(n.Value)).Select(n => n.Key);
        if (!panel.TryGetProperty("transformations", out var transformations))
            return named;
        var excluded = transformations.EnumerateArray()
            .Where(t => t.GetProperty("id").GetString() == "organize" && t.GetProperty("options").TryGetProperty("excludeByName", out _))
            .SelectMany(t => t.GetProperty("options").GetProperty("excludeByName").EnumerateObject().Where(e => e.Value.GetBoolean()).Select(e => e.Name));
        return named.Concat(excluded);
    }

    /// <summary>Runs each variable query; the value used is the dashboard's saved current value, or Grafana's default, the first.</summary>
    private async Task<Dictionary<string, IReadOnlyList<string>>> ResolveVariablesAsync(JsonElement dashboard)
    {
        var resolved = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var variable in dashboard.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            var name = variable.GetProperty("name").GetString()!;
            var type = variable.GetProperty("type").GetString();
            var query = variable.GetProperty("query").GetString()!;
            List<string> values;
            if (type == "custom")
                values = GrafanaQuery.CustomValues(query); // Grafana's custom variable: comma-separated values or "text : value"
            else
            {
                Assert.Equal("query", type);
                var sql = new GrafanaQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, TimeSpan.FromHours(1), resolved).Expand(query);
                values = await VariableValuesAsync(sql);
                Assert.True(values.Count > 0, $"variable ${name} has no values on a loaded warehouse: {sql}");
            }
            if (variable.TryGetProperty("current", out var current))
            {
                var saved = current.GetProperty("value").GetString()!;
                Assert.Contains(saved, values);
                values = [saved];
            }
            resolved[name] = variable.GetProperty("multi").GetBoolean() ? values : [values[0]];
        }
        return resolved;
    }

    /// <summary>
    /// A variable's values as Grafana takes them: the __value column where the query returns __text and
    /// __value (the text is what the picker shows, e.g. "Unit T01 (T01)"), else the first column.
    /// </summary>
    private async Task<List<string>> VariableValuesAsync(string sql)
    {
        await using var connection = await OpenAsDashboardAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var valueColumn = names.IndexOf("__value");
        if (names.Contains("__text") != (valueColumn >= 0))
            throw new InvalidOperationException($"a variable query returns __text or __value without the other: {sql}");
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(Convert.ToString(reader.GetValue(Math.Max(valueColumn, 0)), System.Globalization.CultureInfo.InvariantCulture)!);
        return values;
    }

    private async Task<(HashSet<string> Columns, int Rows, int Incomplete, int Unlabelled, string? Error)> RunAsDashboardAsync(string sql)
    {
        await using var connection = await OpenAsDashboardAsync();
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToHashSet();
            var status = columns.Contains("status") ? reader.GetOrdinal("status") : -1;
            // A Chinese label shown where users read: *_label_zh (a signal of a whole unit has no category, so NULL there is no label missing).
            var labels = columns.Where(c => c.EndsWith("_label_zh", StringComparison.Ordinal)).Select(reader.GetOrdinal).ToList();
            var (rows, incomplete, unlabelled) = (0, 0, 0);
            while (await reader.ReadAsync())
            {
                rows++;
                if (status >= 0 && !reader.IsDBNull(status) && reader.GetValue(status) as string == "incomplete_period")
                    incomplete++;
                if (labels.Any(l => !reader.IsDBNull(l) && !HasChinese(reader.GetString(l))))
                    unlabelled++;
            }
            return (columns, rows, incomplete, unlabelled, null);
        }
        catch (PostgresException ex)
        {
            return ([], 0, 0, 0, $"{ex.SqlState} {ex.MessageText}");
        }
    }

    /// <summary>One column of every row the query returns, read as the dashboard role.</summary>
    private async Task<List<string?>> ColumnAsDashboardAsync(string sql, string column)
    {
        await using var connection = await OpenAsDashboardAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ordinal = reader.GetOrdinal(column);
        var values = new List<string?>();
        while (await reader.ReadAsync())
            values.Add(reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal));
        return values;
    }

    private async Task<NpgsqlConnection> OpenAsDashboardAsync()
    {
        var connection = new NpgsqlConnection(loaded.Warehouse);
        await connection.OpenAsync();
        await connection.ExecuteAsync("SET ROLE metrics_dashboard; SET statement_timeout = '30s'");
        return connection;
    }

    private static IEnumerable<JsonElement> Panels(JsonElement dashboard) => GrafanaFiles.Panels(dashboard);
}
