using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// The one definition of what a dropped file's classification depends on in configuration, as a hash
/// stored with every load (ops.file_loads.classified_with): an unchanged file whose stored hash differs
/// from the stream's current one is read again, so a code moved between two categories that both stay in
/// the map moves its facts on the next run instead of waiting for a backfill. What it covers: the code
/// map (code -> category) or the fixed category, the categories, the measures (name and expression), the
/// source's time zone, History.From, the timestamp, unit and code columns, the timestamp kind, and how the
/// file is read (format, sheet, encoding, digit grouping). Where the files are (folder, pattern, done
/// markers, settle time, timeouts, retraction) is not: it changes which files are read, not what their rows
/// mean. The org file and the clock are not either: their changes are found in the file's quarantine.
/// </summary>
public static class FileClassification
{
    /// <summary>SHA-256 (lowercase hex) of a canonical JSON document of everything listed above.</summary>
    public static string Hash(SourcePlan source, StreamPlan stream, DateOnly historyFrom)
    {
        var files = stream.Files;
        // Ordinal order everywhere: the same configuration gives the same hash whatever order its keys were written in.
        var canonical = new
        {
            zone = source.TimeZone.Id,
            historyFrom = historyFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            timestamp = stream.Timestamp.ToString(),
            timestampKind = stream.TimestampKind.ToString(),
            unit = stream.Unit.ToString(),
            code = stream.Code?.ToString(),
            fixedCategory = stream.FixedCategory,
            codeMap = stream.CodeMap.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value }).ToArray(),
            categories = stream.Categories.ToArray(),
            measures = stream.Measures.OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => new[] { m.Name, m.Expression.Render(PostgresDialect.Instance) }).ToArray(),
            format = files?.Format,
            sheet = files?.Sheet,
            encoding = files?.Encoding.WebName,
            allowDigitGrouping = files?.AllowDigitGrouping ?? false,
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(canonical);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
