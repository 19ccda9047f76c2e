using Npgsql;
using NpgsqlTypes;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// A generated org tree with Poisson daily counts at the rates of README's province benchmark shape, and four
/// planted disguised-burden patterns in the last year, for judging the signals as a whole: the patterns
/// must be found by their own signal at their unit, and the units without one must stay quiet. Seeded:
/// the same seed gives the same facts.
/// <code>
///   CITY ─ K1 .. K{counties} counties ─ K1T1 .. townships ─ K1T1V1 .. villages
/// </code>
/// Rates (events a day; the benchmark's per-week numbers / 7): village check_in 1, report_form and
/// data_request 1/7 each; township document.formal 3/7 and document.informal 5/7 (received), meeting.offline
/// and meeting.online 2/7 each, inspection.onsite and inspection.remote 1/7 each; county document.formal 8/7.
/// Years: <see cref="BaseYear"/> (the base), then two more; every day covered.
/// Planted, in the third year unless said (strong enough to tell from chance at these volumes, as a real
/// case has to be before anyone can act on it):
///   K1T2  relabels 3 of 4 of its own formal documents as informal ones (formal 3/7 → 0.75/7, informal 5/7 → 7.25/7)
///   K1T3  cuts its own on-site inspections to a quarter and demands data through chat instead (0 → 2/7 own
///         data requests), while its villages' data requests go on as before
///   K2    cascades documents: its townships receive three times as many formal documents (9/7) per county document
///   K1T4  cut its offline meetings to 0.3/7 in the second year and is back at 2.4/7 (above base) in the third
/// </summary>
internal sealed class PlantedBurdenTree(int counties, int townshipsPerCounty, int villagesPerTownship, int seed)
{
    public const int BaseYear = 2023;
    public static readonly DateOnly First = new(BaseYear, 1, 1);
    public static readonly DateOnly Last = new(BaseYear + 2, 12, 31);
    private static readonly DateOnly PlantedFrom = new(BaseYear + 2, 1, 1);

    /// <summary>The planted patterns: unit and the signal that must find it.</summary>
    public static readonly (string Unit, string Signal)[] Planted =
    [
        ("K1T2", "relabelled_documents"), ("K1T3", "inspections_to_requests"), ("K2", "document_cascade"), ("K1T4", "rebound"),
    ];

    public IEnumerable<(string Code, string Name, string? Parent, string Level, int Headcount)> Units()
    {
        yield return ("CITY", "City", null, "city", 300);
        for (var k = 1; k <= counties; k++)
        {
            yield return ($"K{k}", $"County {k}", "CITY", "county", 120);
            for (var t = 1; t <= townshipsPerCounty; t++)
            {
                yield return ($"K{k}T{t}", $"Township {k}.{t}", $"K{k}", "township", 40);
                for (var v = 1; v <= villagesPerTownship; v++)
                    yield return ($"K{k}T{t}V{v}", $"Village {k}.{t}.{v}", $"K{k}T{t}", "village", 6);
            }
        }
    }

    /// <summary>Events a day of a category at a unit on a day, with the planted patterns.</summary>
    private static double Rate(string unit, string level, string? parent, string category, DateOnly day)
    {
        var planted = day >= PlantedFrom;
        var secondYear = day.Year == BaseYear + 1;
        return (level, category) switch
        {
            ("village", "check_in") => 1,
            ("village", "report_form") => 1 / 7.0,
            ("village", "data_request") => 1 / 7.0,
            ("township", "document.formal") when unit == "K1T2" && planted => 0.75 / 7,
            ("township", "document.informal") when unit == "K1T2" && planted => 7.25 / 7,
            ("township", "document.formal") when parent == "K2" && planted => 9 / 7.0,
            ("township", "document.formal") => 3 / 7.0,
            ("township", "document.informal") => 5 / 7.0,
            ("township", "meeting.offline") when unit == "K1T4" && secondYear => 0.3 / 7,
            ("township", "meeting.offline") when unit == "K1T4" && planted => 2.4 / 7,
            ("township", "meeting.offline") => 2 / 7.0,
            ("township", "meeting.online") => 2 / 7.0,
            ("township", "inspection.onsite") when unit == "K1T3" && planted => 0.25 / 7,
            ("township", "inspection.onsite") => 1 / 7.0,
            ("township", "inspection.remote") => 1 / 7.0,
            ("township", "data_request") when unit == "K1T3" && planted => 2 / 7.0,
            ("county", "document.formal") => 8 / 7.0,
            _ => 0,
        };
    }

    private static readonly Dictionary<string, string[]> CategoriesByLevel = new()
    {
        ["village"] = ["check_in", "report_form", "data_request"],
        ["township"] = ["document.formal", "document.informal", "meeting.offline", "meeting.online", "inspection.onsite", "inspection.remote", "data_request"],
        ["county"] = ["document.formal"],
    };

    /// <summary>Knuth's method: exact for the small daily rates here.</summary>
    private static int Poisson(Random random, double rate)
    {
        if (rate <= 0)
            return 0;
        var limit = Math.Exp(-rate);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble())
            k++;
        return k;
    }

    /// <summary>Writes the units, one stream covering every category and day, and the facts (non-zero days only). Returns the fact rows.</summary>
    public async Task<long> WriteAsync(NpgsqlConnection db)
    {
        var units = Units().ToList();
        await using (var command = new NpgsqlCommand(
            "INSERT INTO ref.units (code, name, parent_code, level, headcount) SELECT * FROM unnest(@codes, @names, @parents, @levels, @headcounts)", db))
        {
            command.Parameters.AddWithValue("codes", units.Select(u => u.Code).ToArray());
            command.Parameters.AddWithValue("names", units.Select(u => u.Name).ToArray());
            command.Parameters.AddWithValue("parents", units.Select(u => u.Parent).ToArray());
            command.Parameters.AddWithValue("levels", units.Select(u => u.Level).ToArray());
            command.Parameters.AddWithValue("headcounts", units.Select(u => u.Headcount).ToArray());
            await command.ExecuteNonQueryAsync();
        }
        await using (var command = new NpgsqlCommand("""
            UPDATE ref.indicator_settings SET value = @baseYear WHERE key = 'base_period';
            INSERT INTO ref.streams (source, stream, provider, time_zone, history_from, measures, categories)
            SELECT 'src', 'all', 'postgres', 'Asia/Shanghai', @first, '{count}', ARRAY(SELECT category FROM ref.categories);
            INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
            SELECT 'src', 'all', d::date, 1, now() FROM generate_series(@first::date, @last::date, interval '1 day') d;
            """, db))
        {
            command.Parameters.AddWithValue("baseYear", BaseYear.ToString(System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("first", First);
            command.Parameters.AddWithValue("last", Last);
            await command.ExecuteNonQueryAsync();
        }

        var random = new Random(seed);
        var loadedAt = DateTime.UtcNow;
        long rows = 0;
        await using var importer = await db.BeginBinaryImportAsync(
            "COPY facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id) FROM STDIN (FORMAT BINARY)");
        foreach (var unit in units.Where(u => CategoriesByLevel.ContainsKey(u.Level)))
            foreach (var category in CategoriesByLevel[unit.Level])
                for (var day = First; day <= Last; day = day.AddDays(1))
                {
                    var count = Poisson(random, Rate(unit.Code, unit.Level, unit.Parent, category, day));
                    if (count == 0)
                        continue;
                    await importer.StartRowAsync();
                    await importer.WriteAsync("src", NpgsqlDbType.Text);
                    await importer.WriteAsync("all", NpgsqlDbType.Text);
                    await importer.WriteAsync(day, NpgsqlDbType.Date);
                    await importer.WriteAsync(unit.Code, NpgsqlDbType.Text);
                    await importer.WriteAsync(category, NpgsqlDbType.Text);
                    await importer.WriteAsync("count", NpgsqlDbType.Text);
                    await importer.WriteAsync((decimal)count, NpgsqlDbType.Numeric);
                    await importer.WriteAsync(loadedAt, NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(1L, NpgsqlDbType.Bigint);
                    rows++;
                }
        await importer.CompleteAsync();
        return rows;
    }
}
