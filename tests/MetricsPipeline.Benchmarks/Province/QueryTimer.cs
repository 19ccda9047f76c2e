using System.Diagnostics;
using System.Text.Json;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Benchmarks.Province;

/// <summary>One query to time: where it comes from, for which unit, as which role.</summary>
internal sealed record TimedQuery(string Group, string Name, string Unit, string Role, string Sql);

internal sealed record QueryTiming(TimedQuery Query, int Rows, double P50Ms, double P95Ms, double MaxMs, string? Error);

/// <summary>
/// Times the indicators' public surface only (marts.* views, sql/analyst, the Grafana panels), never the
/// marts' tables, so the figures stay comparable while the marts are redesigned. Each query runs once to
/// warm the cache, then <c>runs</c> times, every row read; p50 and p95 are nearest-rank. A statement that
/// takes over 5 minutes is stopped and reported as failed.
/// </summary>
internal static class QueryTimer
{
    private const string Dashboard = "metrics_dashboard";
    private const string Analyst = "metrics_analyst";

    /// <summary>
    /// Townships of one county ranked by burden hours per FTE (the target query "townships of one county"): sql/analyst/01
    /// narrowed to the county's subtree (marts.burden_ranking's fourth argument). Kept here because the analyst
    /// folder ranks the whole province.
    /// </summary>
    private const string TownshipsOfCounty = """
        SELECT r.rank, r.unit_code, r.unit_name, round(r.hours, 1) AS burden_hours, r.subtree_headcount AS fte,
               round(r.hours_per_fte, 2) AS hours_per_fte, r.status
        FROM marts.burden_ranking('year', (date_trunc('year', current_date) - interval '1 year')::date, 'township', '{0}') r
        ORDER BY r.rank, r.unit_code
        """;

    public const string MonthlySeriesPanel = "Monthly values by category";
    public const string TownshipsOfCountyName = "townships of one county by burden hours per FTE";
    public const string AllTownshipsFile = "01_townships_by_burden_hours_per_fte.sql";

    /// <summary>
    /// Every Grafana panel query (ops/grafana/*.json; a dashboard with a $unit variable once per probe unit,
    /// the others once), every sql/analyst query as written, and the townships-of-a-county ranking.
    /// </summary>
    public static async Task<List<TimedQuery>> CollectAsync(string warehouse, string repo, ProbeUnits probes, DateTimeOffset now)
    {
        var queries = new List<TimedQuery>();
        foreach (var file in Directory.GetFiles(Path.Combine(repo, "ops", "grafana"), "*.json").Order())
        {
            using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            var variables = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
            var perUnit = variables.Any(v => v.GetProperty("name").GetString() == "unit");
            foreach (var (role, unit) in perUnit ? probes.All.Select(p => (p.Role, p.Unit.Code)) : [("-", "")])
            {
                var resolved = await ResolveVariablesAsync(warehouse, variables, unit);
                // As the dashboard tests expand them: the last 400 days, a 1-hour interval.
                var grafana = new GrafanaQuery(now.AddDays(-400), now, TimeSpan.FromHours(1), resolved);
                foreach (var (title, sql) in Targets(dashboard.RootElement))
                    queries.Add(new TimedQuery(Path.GetFileName(file), title, perUnit ? $"{role} {unit}" : "(no unit variable)", Dashboard, grafana.Expand(sql)));
            }
        }
        foreach (var file in Directory.GetFiles(Path.Combine(repo, "sql", "analyst"), "*.sql").Order())
            queries.Add(new TimedQuery("sql/analyst", Path.GetFileName(file), "(as written)", Analyst, await File.ReadAllTextAsync(file)));
        queries.Add(new TimedQuery("benchmark", TownshipsOfCountyName, $"county {probes.County.Code} ({probes.TownshipsOfCounty} townships)", Analyst,
            string.Format(System.Globalization.CultureInfo.InvariantCulture, TownshipsOfCounty, probes.County.Code)));
        return queries;
    }

    public static async Task<List<QueryTiming>> TimeAsync(string warehouse, IReadOnlyList<TimedQuery> queries, int runs, Action<QueryTiming> report)
    {
        var timings = new List<QueryTiming>();
        foreach (var query in queries)
        {
            await using var connection = await OpenAsync(warehouse, query.Role);
            var samples = new List<double>();
            var rows = 0;
            string? error = null;
            try
            {
                for (var i = 0; i <= runs; i++)
                {
                    var stopwatch = Stopwatch.StartNew();
                    rows = await ReadAllAsync(connection, query.Sql);
                    stopwatch.Stop();
                    if (i > 0) samples.Add(stopwatch.Elapsed.TotalMilliseconds);
                }
            }
            catch (PostgresException ex)
            {
                error = $"{ex.SqlState} {ex.MessageText}";
            }
            samples.Sort();
            var timing = new QueryTiming(query, rows, Percentile(samples, 0.50), Percentile(samples, 0.95), samples.Count == 0 ? double.NaN : samples[^1], error);
            timings.Add(timing);
            report(timing);
        }
        return timings;
    }

    /// <summary>Nearest rank: the smallest sample with at least <paramref name="p"/> of the samples at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<Dictionary<string, IReadOnlyList<string>>> ResolveVariablesAsync(string warehouse, List<JsonElement> variables, string unit)
    {
        var resolved = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var variable in variables)
        {
            var name = variable.GetProperty("name").GetString()!;
            if (name == "unit")
            {
                resolved[name] = [unit];
                continue;
            }
            if (variable.GetProperty("type").GetString() == "custom")
            {
                // Grafana's custom variable: its comma-separated values ("text : value"), no query; the saved one where set.
                var options = GrafanaQuery.CustomValues(variable.GetProperty("query").GetString()!);
                resolved[name] = [variable.TryGetProperty("current", out var chosen) && chosen.GetProperty("value").GetString() is { } value ? value : options[0]];
                continue;
            }
            var sql = new GrafanaQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, TimeSpan.FromHours(1), resolved)
                .Expand(variable.GetProperty("query").GetString()!);
            var values = new List<string>();
            await using (var connection = await OpenAsync(warehouse, Dashboard))
            await using (var command = new NpgsqlCommand(sql, connection))
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    values.Add(reader.GetValue(0).ToString() ?? "");
            if (values.Count == 0)
                throw new InvalidOperationException($"Grafana variable ${name} has no values on the loaded warehouse: {sql}");
            // The dashboard's saved value where it has one, else Grafana's default (the first; all of a multi-value variable).
            if (variable.TryGetProperty("current", out var current) && current.GetProperty("value").GetString() is { } saved && values.Contains(saved))
                values = [saved];
            resolved[name] = variable.GetProperty("multi").GetBoolean() ? values : [values[0]];
        }
        return resolved;
    }

    private static IEnumerable<(string Title, string Sql)> Targets(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            var panels = panel.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(panel) : [panel];
            foreach (var p in panels.Where(p => p.TryGetProperty("targets", out _)))
                foreach (var target in p.GetProperty("targets").EnumerateArray())
                    yield return (p.GetProperty("title").GetString()!, target.GetProperty("rawSql").GetString()!);
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string warehouse, string role)
    {
        var connection = new NpgsqlConnection(warehouse);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET ROLE {role}; SET statement_timeout = '300s'", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<int> ReadAllAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            rows++;
        }
        return rows;
    }
}
