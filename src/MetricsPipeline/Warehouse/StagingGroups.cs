using System.Text;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;
using Npgsql;
using NpgsqlTypes;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// The per-transaction staging table both loaders COPY classified groups into (one row per source group,
/// with its category or quarantine reason and one numeric column per value measure), and the SELECT that
/// turns it into rows at fact grain.
/// </summary>
internal static class StagingGroups
{
    public static string CreateTable(StreamPlan stream)
    {
        var sql = new StringBuilder("CREATE TEMP TABLE staging_groups (day date, unit_code text, source_code text, category text, reason text, detail text, row_count bigint");
        for (var i = 0; i < stream.ValueMeasures.Count; i++)
            sql.Append($", m{i} numeric");
        return sql.Append(") ON COMMIT DROP").ToString();
    }

    public static string CopyCommand(StreamPlan stream) =>
        "COPY staging_groups (day, unit_code, source_code, category, reason, detail, row_count" +
        string.Concat(Enumerable.Range(0, stream.ValueMeasures.Count).Select(i => $", m{i}")) + ") FROM STDIN (FORMAT BINARY)";

    /// <summary>Stages one classified group. Synchronous writes: the importer buffers, and this is the hot loop.</summary>
    public static void Write(NpgsqlBinaryImporter importer, ClassifiedGroup group)
    {
        importer.StartRow();
        if (group.Day is { } d) importer.Write(d, NpgsqlDbType.Date); else importer.WriteNull();
        WriteText(importer, group.UnitCode);
        WriteText(importer, group.SourceCode);
        WriteText(importer, group.Category);
        WriteText(importer, group.Reason);
        WriteText(importer, group.Detail);
        importer.Write(group.RowCount, NpgsqlDbType.Bigint);
        foreach (var value in group.Values)
        {
            if (value is { } v) importer.Write(v, NpgsqlDbType.Numeric); else importer.WriteNull();
        }
    }

    /// <summary>
    /// The staged facts at fact grain (day, unit_code, category, measure, value). Several source codes may
    /// map to one category, so groups are summed. Measure names are validated identifiers; they are still
    /// written as quoted literals.
    /// </summary>
    public static string FactsSelect(StreamPlan stream)
    {
        var valueIndex = 0;
        var measures = stream.Measures.Select(m => m.Expression is MeasureExpression.RowCount
            ? $"('{m.Name}', CAST(s.row_count AS numeric))"
            : $"('{m.Name}', s.m{valueIndex++})");
        return "SELECT s.day, s.unit_code, s.category, v.measure, sum(v.value) AS value FROM staging_groups s " +
               $"CROSS JOIN LATERAL (VALUES {string.Join(", ", measures)}) AS v(measure, value) " +
               "WHERE s.reason IS NULL GROUP BY s.day, s.unit_code, s.category, v.measure";
    }

    private static void WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null) importer.WriteNull(); else importer.Write(value, NpgsqlDbType.Text);
    }
}
