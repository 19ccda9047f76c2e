namespace MetricsPipeline.Samples;

/// <summary>A row of oa.meetings. StartedAtLocal is Beijing wall time for a timestamp-without-time-zone column.</summary>
public sealed record MeetingRow(string? UnitCode, string Mode, DateTime StartedAtLocal, int Minutes, int Attendees);

/// <summary>
/// Meetings a unit's staff must attend. Totals fall ~30% from 2024 to 2026, but offline meetings fall
/// much faster while online ones rise and get longer — the "moved online without saving time" hint.
/// </summary>
public sealed class MeetingsGenerator(SampleSettings settings, IReadOnlyList<OrgUnit> units)
{
    private const double OfflinePerWorkday = 56;
    private const double OnlinePerWorkday = 14;
    private const double OfflineRatio2026 = 0.525;  // −47.5%
    private const double OnlineRatio2026 = 1.40;    // +40%; together −30%
    private const double OnlineMinutesRatio2026 = 1.15;
    private static readonly int[] OfflineMinutes = [30, 45, 60, 60, 90, 90, 120, 150, 180];
    private static readonly int[] OnlineMinutes = [20, 30, 45, 60, 60, 90, 120];
    private const int FutureRows = 5;

    private readonly UnitPicker _picker = new(units, new LevelWeights(City: 0.03, County: 0.12, Township: 0.45, Village: 0.40));

    public GeneratorStats Stats { get; } = new("oa.meetings");

    public IEnumerable<MeetingRow> Generate()
    {
        var rng = new Random(settings.SeedFor(2));
        for (var day = settings.From; day <= settings.To; day = day.AddDays(1))
        {
            var calendar = DailyVolume.CalendarFactor(day, DayProfile.Office);
            var offline = DailyVolume.Draw(rng, OfflinePerWorkday * calendar * DailyVolume.Trend(day, OfflineRatio2026));
            var online = DailyVolume.Draw(rng, OnlinePerWorkday * calendar * DailyVolume.Trend(day, OnlineRatio2026));
            for (var i = 0; i < offline + online; i++)
                yield return Row(rng, day, online: i >= offline);
        }
        for (var i = 0; i < FutureRows; i++)
        {
            Stats.Future++;
            var row = Row(rng, settings.To, online: false);
            yield return row with { StartedAtLocal = row.StartedAtLocal.AddDays(rng.Between(30, 3650)) };
        }
    }

    private MeetingRow Row(Random rng, DateOnly day, bool online)
    {
        var unit = _picker.Pick(rng, Stats);
        var minutes = online
            ? (int)(Math.Round(rng.PickOne(OnlineMinutes) * DailyVolume.Trend(day, OnlineMinutesRatio2026) / 5) * 5)
            : rng.PickOne(OfflineMinutes);
        Stats.Rows++;
        return new MeetingRow(unit.Code, online ? "ONLINE" : "OFFLINE",
            day.ToDateTime(TimeOnly.MinValue) + LocalTime.MeetingStart(rng), minutes, Attendees(rng, unit, online));
    }

    /// <summary>
    /// Staff of the unit who attend, never more than its headcount. An online meeting costs the caller
    /// nothing per head, so it tends to pull in more people (全员参会): the upper part of the range.
    /// </summary>
    private static int Attendees(Random rng, PickedUnit unit, bool online)
    {
        var (min, max) = unit.Level switch
        {
            OrgLevel.Village => (1, unit.Headcount),
            OrgLevel.Township => (3, Math.Min(unit.Headcount, 45)),
            OrgLevel.County => (8, Math.Min(unit.Headcount, 80)),
            _ => (15, Math.Min(unit.Headcount, 200)),
        };
        if (online) min = (min + max) / 2;
        return rng.Between(min, max);
    }
}
