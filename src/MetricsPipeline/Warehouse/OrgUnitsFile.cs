using System.Globalization;
using nietras.SeparatedValues;

namespace MetricsPipeline.Warehouse;

public sealed record OrgUnit(string Code, string Name, string? ParentCode, string Level, int Headcount);

/// <summary>
/// Reads the org-units CSV (code,name,parent_code,level,headcount). Every problem is reported with the
/// file and line; a file with problems is refused whole, because a half-read tree would silently move
/// units in or out of the roll-ups.
/// </summary>
public static class OrgUnitsFile
{
    private static readonly string[] Columns = ["code", "name", "parent_code", "level", "headcount"];
    private static readonly HashSet<string> Levels = ["province", "city", "county", "township", "village"];

    public static IReadOnlyList<OrgUnit> Read(string path)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"Org units file '{path}' (Pipeline:OrgUnits) does not exist");
        using var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All }).FromFile(path);
        var missing = Columns.Where(c => !reader.Header.ColNames.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"Org units file '{path}': missing column(s) {string.Join(", ", missing)}; expected header {string.Join(",", Columns)}");

        var units = new List<OrgUnit>();
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            var code = row["code"].ToString();
            var name = row["name"].ToString();
            var parent = row["parent_code"].ToString();
            var level = row["level"].ToString().ToLowerInvariant();
            var headcountText = row["headcount"].ToString();
            if (code.Length == 0) { errors.Add($"line {line}: code is empty"); continue; }
            if (!seen.Add(code)) errors.Add($"line {line}: duplicate code '{code}'");
            if (name.Length == 0) errors.Add($"line {line}: unit '{code}' has no name");
            if (!Levels.Contains(level)) errors.Add($"line {line}: unit '{code}' has level '{level}' (expected province, city, county, township or village)");
            if (!int.TryParse(headcountText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var headcount) || headcount < 0)
                errors.Add($"line {line}: unit '{code}' has headcount '{headcountText}' (expected a whole number >= 0)");
            units.Add(new OrgUnit(code, name, parent.Length == 0 ? null : parent, level, headcount));
        }
        foreach (var unit in units.Where(u => u.ParentCode is not null && !seen.Contains(u.ParentCode)))
            errors.Add($"unit '{unit.Code}' names parent '{unit.ParentCode}', which is not in the file");
        if (units.Count == 0)
            errors.Add("the file holds no units");
        if (errors.Count > 0)
            throw new InvalidDataException($"Org units file '{path}' has {errors.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors.Take(50)));
        return units;
    }
}
