using System.Globalization;
using System.Text;

namespace MetricsPipeline.Samples;

public enum OrgLevel { City, County, Township, Village }

/// <summary>One org unit. <see cref="Activity"/> makes some units busier than others; it is not written out.</summary>
public sealed record OrgUnit(string Code, string Name, string? ParentCode, OrgLevel Level, int Headcount, double Activity);

/// <summary>
/// The demo org tree: 1 city, 3 counties, 4 townships per county, 5 villages per township (76 units).
/// Codes spell the path (K02 → T0203 → V020301) so a reader of the facts can place a unit at a glance.
/// </summary>
public static class OrgTree
{
    public const int Counties = 3;
    public const int TownshipsPerCounty = 4;
    public const int VillagesPerTownship = 5;

    public static IReadOnlyList<OrgUnit> Build(int seed)
    {
        var rng = new Random(seed);
        var names = new PlaceNames(rng);
        var units = new List<OrgUnit>();
        double Activity() => 0.6 + rng.NextDouble();

        units.Add(new OrgUnit("C01", names.Next("市"), null, OrgLevel.City, 2000, Activity()));
        for (var k = 1; k <= Counties; k++)
        {
            var county = $"K{k:00}";
            units.Add(new OrgUnit(county, names.Next("县"), "C01", OrgLevel.County, rng.Between(300, 600), Activity()));
            for (var t = 1; t <= TownshipsPerCounty; t++)
            {
                var township = $"T{k:00}{t:00}";
                // Towns (镇) outnumber townships (乡) in most counties today.
                var suffix = rng.Chance(0.65) ? "镇" : "乡";
                units.Add(new OrgUnit(township, names.Next(suffix), county, OrgLevel.Township, rng.Between(40, 90), Activity()));
                for (var v = 1; v <= VillagesPerTownship; v++)
                    units.Add(new OrgUnit($"V{k:00}{t:00}{v:00}", names.Next("村"), township, OrgLevel.Village, rng.Between(5, 12), Activity()));
            }
        }
        return units;
    }

    /// <summary>Writes the CSV the pipeline reads: code,name,parent_code,level,headcount.</summary>
    public static void WriteCsv(IEnumerable<OrgUnit> units, string path)
    {
        var csv = new StringBuilder("code,name,parent_code,level,headcount\n");
        foreach (var u in units)
        {
            var level = u.Level.ToString().ToLowerInvariant();
            csv.Append(CultureInfo.InvariantCulture, $"{u.Code},{u.Name},{u.ParentCode},{level},{u.Headcount}\n");
        }
        File.WriteAllText(path, csv.ToString(), new UTF8Encoding(false));
    }
}
