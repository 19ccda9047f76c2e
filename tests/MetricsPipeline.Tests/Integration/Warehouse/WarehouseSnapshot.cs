using Dapper;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Warehouse;

/// <summary>
/// What an analyst reads from a warehouse, as sorted text rows per object: the indicators, the signals with
/// their evidence, and the restatement history. Timestamps of when a row was computed are left out when a
/// comparison spans a refresh (they move; the values must not).
/// </summary>
internal static class WarehouseSnapshot
{
    private static readonly (string Name, string Sql)[] Objects =
    [
        // The label columns (V40) are newer than the V31 release the upgrade test starts from; its values are compared.
        ("marts.indicators", "SELECT to_jsonb(t) - 'computed_at' - 'category_label_zh' - 'category_label_en' - 'status_label_zh' - 'status_label_en' FROM marts.indicators t"),
        ("marts.signals", "SELECT to_jsonb(t) - 'signal_id' - 'computed_at' FROM marts.signals t"),
        ("marts.signal_evidence",
            "SELECT jsonb_build_object('signal', s.signal, 'unit', s.unit_code, 'period', s.period_start) || (to_jsonb(e) - 'signal_id') " +
            "FROM marts.signal_evidence e JOIN marts.signals s USING (signal_id)"),
        ("marts.period_values_history", "SELECT to_jsonb(t) FROM marts.period_values_history t"),
        ("marts.period_coverage_history", "SELECT to_jsonb(t) FROM marts.period_coverage_history t"),
        // The columns a V31 warehouse's view had: the reductions and statuses beside them (V43's layer) are
        // derived from the history and the indicators compared above, and a V31 snapshot cannot hold them; nor the
        // category's labels (ref.categories, V40) the layer appended for the dashboards.
        ("marts.restatements", "SELECT to_jsonb(t) - 'base_period_start' - 'old_base_value' - 'new_base_value' - 'old_reduction' - 'new_reduction' " +
            "- 'old_status' - 'new_status' - 'category_label_zh' - 'category_label_en' FROM marts.restatements t"),
    ];

    public static async Task<Dictionary<string, List<string>>> TakeAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var (name, sql) in Objects)
            snapshot[name] = (await db.QueryAsync<string>($"SELECT x::text FROM ({sql}) AS q(x) ORDER BY 1", commandTimeout: 600)).ToList();
        return snapshot;
    }

    /// <summary>The snapshot with the named keys removed from every row of the named objects (columns a migration added).</summary>
    public static Dictionary<string, List<string>> Without(Dictionary<string, List<string>> snapshot, string[] objects, params string[] keys) =>
        snapshot.ToDictionary(o => o.Key, o => objects.Contains(o.Key)
            ? o.Value.Select(row =>
                {
                    var json = System.Text.Json.Nodes.JsonNode.Parse(row)!.AsObject();
                    foreach (var key in keys)
                        json.Remove(key);
                    return json.ToJsonString();
                }).Order(StringComparer.Ordinal).ToList()
            : o.Value);

    /// <summary>Fails naming the object and the first row that differs, with both row counts.</summary>
    public static void AssertEqual(Dictionary<string, List<string>> expected, Dictionary<string, List<string>> actual)
    {
        foreach (var (name, rows) in expected)
        {
            var other = actual[name];
            var missing = rows.Except(other).FirstOrDefault();
            var extra = other.Except(rows).FirstOrDefault();
            Assert.True(missing is null && extra is null && rows.Count == other.Count,
                $"{name}: {rows.Count} rows before, {other.Count} after; first missing: {missing ?? "-"}; first new: {extra ?? "-"}");
        }
    }
}
