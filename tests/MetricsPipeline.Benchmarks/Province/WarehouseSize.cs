using Npgsql;

namespace MetricsPipeline.Benchmarks.Province;

internal sealed record RelationSize(string Schema, string Name, string Kind, long Rows, long TableBytes, long IndexBytes);

/// <summary>
/// The warehouse's size per schema: every table and materialized view (partitions counted, their parents not),
/// exact row counts, heap + TOAST bytes and index bytes from pg_class / pg_relation_size / pg_indexes_size.
/// Read from the catalog, so it holds whatever the marts are made of now.
/// </summary>
internal static class WarehouseSize
{
    public static readonly string[] Schemas = ["facts", "marts", "ops", "ref"];

    public static async Task<List<RelationSize>> MeasureAsync(string warehouse)
    {
        await using var connection = new NpgsqlConnection(warehouse);
        await connection.OpenAsync();
        var relations = new List<(string Schema, string Name, string Kind, long Table, long Index)>();
        await using (var command = new NpgsqlCommand("""
            SELECT n.nspname, c.relname, CASE c.relkind WHEN 'm' THEN 'matview' ELSE 'table' END,
                   pg_relation_size(c.oid) + coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0),
                   pg_indexes_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (@schemas) AND c.relkind IN ('r', 'm')
            ORDER BY 1, 2
            """, connection))
        {
            command.Parameters.AddWithValue("schemas", Schemas);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                relations.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        var sizes = new List<RelationSize>();
        foreach (var r in relations)
        {
            var rows = await Database.ScalarAsync<long>(connection, $"SELECT count(*) FROM \"{r.Schema}\".\"{r.Name}\"");
            sizes.Add(new RelationSize(r.Schema, r.Name, r.Kind, rows, r.Table, r.Index));
        }
        return sizes;
    }

    public static void Print(IReadOnlyList<RelationSize> sizes)
    {
        static string Mb(long bytes) => (bytes / 1048576.0).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"warehouse size (exact rows; MB from pg_relation_size + TOAST and pg_indexes_size):");
        Console.WriteLine($"  {"schema",-8} {"relations",9} {"rows",14} {"table MB",10} {"index MB",10} {"total MB",10}");
        foreach (var schema in Schemas)
        {
            var s = sizes.Where(x => x.Schema == schema).ToList();
            Console.WriteLine($"  {schema,-8} {s.Count,9} {s.Sum(x => x.Rows),14:N0} {Mb(s.Sum(x => x.TableBytes)),10} {Mb(s.Sum(x => x.IndexBytes)),10} {Mb(s.Sum(x => x.TableBytes + x.IndexBytes)),10}");
        }
        Console.WriteLine("  largest relations of facts and marts:");
        foreach (var r in sizes.Where(x => x.Schema is "facts" or "marts").OrderByDescending(x => x.TableBytes + x.IndexBytes).Take(12))
            Console.WriteLine($"    {r.Schema + "." + r.Name,-44} {r.Kind,-7} {r.Rows,14:N0} rows {Mb(r.TableBytes),10} MB + index {Mb(r.IndexBytes),9} MB");
    }
}
