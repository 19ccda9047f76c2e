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

        var targets = Panels(dashboard.RootElement)
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (Panel: p.GetProperty("title").GetString()!, Target: t)))
            .ToList();
        Assert.True(targets.Count >= 6, $"{file}: only {targets.Count} queries found; the test would prove little");
        var problems = new List<string>();
        foreach (var (title, target) in targets)
        {
            Assert.Equal("grafana-postgresql-datasource", target.GetProperty("datasource").GetProperty("type").GetString());
            var sql = grafana.Expand(target.GetProperty("rawSql").GetString()!);
            var (columns, rows, incomplete, error) = await RunAsDashboardAsync(sql);
            if (error is not null)
                problems.Add($"'{title}': {error}\n{sql}");
            else if (rows == 0)
                problems.Add($"'{title}': no rows on a loaded warehouse\n{sql}");
            else if (incomplete > 0)
                problems.Add($"'{title}': {incomplete} rows with status incomplete_period; show the last ended period\n{sql}");
            else if (target.GetProperty("format").GetString() == "time_series" && !columns.Contains("time"))
                problems.Add($"'{title}': a time series without a time column ({string.Join(", ", columns)})");
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
            // Chinese first: each row names its signal type and says what moved in Chinese (ref.signal_types, summary_zh).
            var labels = await ColumnAsDashboardAsync(grafana.Expand(sql), "信号");
            var summaries = await ColumnAsDashboardAsync(grafana.Expand(sql), "摘要");
            Assert.Equal(signals.Count, labels.Count);
            Assert.All(labels.Concat(summaries), text => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", text ?? ""));
        }
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
                values = query.Split(',').Select(v => v.Trim()).ToList(); // Grafana's custom variable: comma-separated values
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

    private async Task<(HashSet<string> Columns, int Rows, int Incomplete, string? Error)> RunAsDashboardAsync(string sql)
    {
        await using var connection = await OpenAsDashboardAsync();
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToHashSet();
            var status = columns.Contains("status") ? reader.GetOrdinal("status") : -1;
            var (rows, incomplete) = (0, 0);
            while (await reader.ReadAsync())
            {
                rows++;
                if (status >= 0 && !reader.IsDBNull(status) && reader.GetValue(status) as string == "incomplete_period")
                    incomplete++;
            }
            return (columns, rows, incomplete, null);
        }
        catch (PostgresException ex)
        {
            return ([], 0, 0, $"{ex.SqlState} {ex.MessageText}");
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
