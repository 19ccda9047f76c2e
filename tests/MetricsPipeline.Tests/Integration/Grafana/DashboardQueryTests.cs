using System.Text.Json;
using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Grafana;

/// <summary>
/// Every SQL query of the Grafana dashboards in ops/grafana (panel targets and variable queries) runs
/// against a migrated warehouse the pipeline has loaded, as the metrics_dashboard role the Grafana data
/// source logs in with, and returns rows. A schema change that breaks a panel, or a grant it lacks, fails here.
/// </summary>
public sealed class DashboardQueryTests(LoadedWarehouse loaded) : IClassFixture<LoadedWarehouse>
{
    private static readonly string GrafanaFolder = FindGrafanaFolder();

    private static List<string> Files() => Directory.GetFiles(GrafanaFolder, "*.json").Select(f => Path.GetFileName(f)).Order().ToList();

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
        var now = DateTimeOffset.UtcNow;
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
            var (columns, rows, error) = await RunAsDashboardAsync(sql);
            if (error is not null)
                problems.Add($"'{title}': {error}\n{sql}");
            else if (rows == 0)
                problems.Add($"'{title}': no rows on a loaded warehouse\n{sql}");
            else if (target.GetProperty("format").GetString() == "time_series" && !columns.Contains("time"))
                problems.Add($"'{title}': a time series without a time column ({string.Join(", ", columns)})");
        }
        Assert.True(problems.Count == 0, $"{file}:\n" + string.Join("\n\n", problems));
    }

    /// <summary>Runs each variable query; the value used is the dashboard's saved current value, or Grafana's default, the first.</summary>
    private async Task<Dictionary<string, IReadOnlyList<string>>> ResolveVariablesAsync(JsonElement dashboard)
    {
        var resolved = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var variable in dashboard.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            var name = variable.GetProperty("name").GetString()!;
            Assert.Equal("query", variable.GetProperty("type").GetString());
            var sql = new GrafanaQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, TimeSpan.FromHours(1), resolved)
                .Expand(variable.GetProperty("query").GetString()!);
            await using var connection = await OpenAsDashboardAsync();
            var values = (await connection.QueryAsync<string>(sql)).ToList();
            Assert.True(values.Count > 0, $"variable ${name} has no values on a loaded warehouse: {sql}");
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

    private async Task<(HashSet<string> Columns, int Rows, string? Error)> RunAsDashboardAsync(string sql)
    {
        await using var connection = await OpenAsDashboardAsync();
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToHashSet();
            var rows = 0;
            while (await reader.ReadAsync()) rows++;
            return (columns, rows, null);
        }
        catch (PostgresException ex)
        {
            return ([], 0, $"{ex.SqlState} {ex.MessageText}");
        }
    }

    private async Task<NpgsqlConnection> OpenAsDashboardAsync()
    {
        var connection = new NpgsqlConnection(loaded.Warehouse);
        await connection.OpenAsync();
        await connection.ExecuteAsync("SET ROLE metrics_dashboard; SET statement_timeout = '30s'");
        return connection;
    }

    /// <summary>Panels, including those folded inside collapsed rows.</summary>
    private static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (panel.TryGetProperty("targets", out _))
                yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
                foreach (var inner in nested.EnumerateArray().Where(p => p.TryGetProperty("targets", out _)))
                    yield return inner;
        }
    }

    private static string FindGrafanaFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "ops", "grafana");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException($"no ops/grafana above {AppContext.BaseDirectory}");
    }
}
