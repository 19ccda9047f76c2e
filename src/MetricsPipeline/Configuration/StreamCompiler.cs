using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Configuration;

/// <summary>Parses one stream's configuration: identifiers, measure expressions, the code map.</summary>
internal static class StreamCompiler
{
    public static StreamPlan? Compile(string source, bool isFiles, StreamOptions stream, string key, Taxonomy taxonomy, List<string> errors)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(stream.Name) || stream.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
            errors.Add($"{key}:Name: '{stream.Name}' is required and may hold letters, digits, _ . -");

        // File headers are free text (spaces, Chinese): they are matched, never put into SQL.
        Func<string, SqlIdentifier> column = isFiles ? FileColumn : SqlIdentifier.ParseColumn;
        var table = isFiles ? new SqlIdentifier([stream.Folder ?? ""]) : Identifier(() => SqlIdentifier.ParseTable(stream.Table), $"{key}:Table", errors);
        var timestamp = Identifier(() => column(stream.Timestamp), $"{key}:Timestamp", errors);
        var unit = Identifier(() => column(stream.Unit), $"{key}:Unit", errors);
        var code = string.IsNullOrWhiteSpace(stream.Code) ? null : Identifier(() => column(stream.Code!), $"{key}:Code", errors);
        var files = isFiles ? FileDropCompiler.Compile(stream, key, errors) : null;
        if (isFiles && !string.IsNullOrWhiteSpace(stream.Where))
            errors.Add($"{key}:Where: files streams have no Where (filter the export instead)");

        // Parsed and rendered again per dialect, never sent as written: a Where can only read (README, "What a Where may say").
        WhereExpression? where = null;
        if (!isFiles && !string.IsNullOrWhiteSpace(stream.Where))
        {
            try { where = WhereExpression.Parse(stream.Where); }
            catch (FormatException ex) { errors.Add($"{key}:Where: {ex.Message}"); }
        }

        var kind = stream.TimestampKind?.ToLowerInvariant() switch
        {
            "utc" => TimestampKind.Utc,
            "offset" => TimestampKind.Offset,
            "local" => TimestampKind.Local,
            _ => (TimestampKind?)null,
        };
        if (kind is null)
            errors.Add($"{key}:TimestampKind: '{stream.TimestampKind}' must be utc, offset or local");

        var measures = new List<MeasurePlan>();
        if (stream.Measures.Count == 0)
            errors.Add($"{key}:Measures: at least one measure is required (e.g. \"count\": \"*\")");
        foreach (var (name, text) in stream.Measures)
        {
            if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
                errors.Add($"{key}:Measures:{name}: measure names use lower-case letters, digits and _");
            try { measures.Add(new MeasurePlan(name, MeasureExpression.Parse(text))); }
            catch (FormatException ex) { errors.Add($"{key}:Measures:{name}: {ex.Message}"); }
        }

        var codeMap = CompileCodeMap(stream, key, taxonomy, errors);
        if (code is null && string.IsNullOrWhiteSpace(stream.Category))
            errors.Add($"{key}:Code: either Code (with Categories) or Category is required");
        if (code is not null && codeMap.Count == 0)
            errors.Add($"{key}:Categories: map at least one source code to a category");
        if (code is null && stream.CodeMap.Count > 0)
            errors.Add($"{key}:CodeMap: a stream without Code has no codes to map (its Category applies to every row)");
        if (stream.Category is { } fixedCategory && !taxonomy.Contains(fixedCategory))
            errors.Add($"{key}:Category: '{fixedCategory}' is not in the taxonomy");
        foreach (var (sourceCode, category) in stream.Categories)
        {
            if (!taxonomy.Contains(category))
                errors.Add($"{key}:Categories:{sourceCode}: '{category}' is not in the taxonomy (known: {string.Join(", ", taxonomy.All.Select(c => c.Name))})");
        }

        if (errors.Count != before)
            return null;
        return new StreamPlan(source, stream.Name, table!, where,
            timestamp!, kind!.Value, unit!, code, code is null ? stream.Category : null, measures, codeMap)
        {
            Files = files,
        };
    }

    /// <summary>Categories and CodeMap together, keyed by the exact code (ordinal: 'gps' is not 'GPS', 'RED ' is not 'RED').</summary>
    private static Dictionary<string, string> CompileCodeMap(StreamOptions stream, string key, Taxonomy taxonomy, List<string> errors)
    {
        var map = new Dictionary<string, string>(stream.Categories, StringComparer.Ordinal);
        for (var i = 0; i < stream.CodeMap.Count; i++)
        {
            var (entry, entryKey) = (stream.CodeMap[i], $"{key}:CodeMap:{i}");
            if (entry.Code is null)
                errors.Add($"{entryKey}:Code: is required (any text, matched exactly)");
            else if (map.ContainsKey(entry.Code))
                errors.Add($"{entryKey}:Code: '{entry.Code}' is mapped twice (in Categories or earlier in CodeMap)");
            if (entry.Category is null || !taxonomy.Contains(entry.Category))
                errors.Add($"{entryKey}:Category: '{entry.Category}' is not in the taxonomy (known: {string.Join(", ", taxonomy.All.Select(c => c.Name))})");
            if (entry.Code is not null && entry.Category is not null)
                map.TryAdd(entry.Code, entry.Category);
        }
        return map;
    }

    private static SqlIdentifier FileColumn(string header) =>
        string.IsNullOrWhiteSpace(header) ? throw new FormatException("a column (header) name is required") : new SqlIdentifier([header.Trim()]);

    private static SqlIdentifier? Identifier(Func<SqlIdentifier> parse, string key, List<string> errors)
    {
        try { return parse(); }
        catch (FormatException ex)
        {
            errors.Add($"{key}: {ex.Message}");
            return null;
        }
    }
}
