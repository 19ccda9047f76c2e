namespace MetricsPipeline.Samples;

/// <summary>A row of grid.db checkins; CheckedAtLocal is naive Beijing wall time.</summary>
public sealed record CheckinRow(string? UnitCode, string Kind, DateTime CheckedAtLocal);

/// <summary>
/// Check-ins and photo uploads from the grid app, almost all by village grid workers, weekends included.
/// They grow ~20% over two years while documents and meetings fall: "apps cut, check-ins grow".
/// </summary>
public sealed class CheckinsGenerator(SampleSettings settings, IReadOnlyList<OrgUnit> units)
{
    private const double CheckinsPerWorkday = 75;
    private const double PhotosPerWorkday = 40;
    private const double Ratio2026 = 1.20;
    private const int FutureRows = 5;

    private readonly UnitPicker _picker = new(units, new LevelWeights(City: 0, County: 0, Township: 0.15, Village: 0.85));

    public GeneratorStats Stats { get; } = new("checkins");

    public IEnumerable<CheckinRow> Generate()
    {
        var rng = new Random(settings.SeedFor(3));
        for (var day = settings.From; day <= settings.To; day = day.AddDays(1))
        {
            var factor = DailyVolume.CalendarFactor(day, DayProfile.Grid) * DailyVolume.Trend(day, Ratio2026);
            var checkins = DailyVolume.Draw(rng, CheckinsPerWorkday * factor);
            var photos = DailyVolume.Draw(rng, PhotosPerWorkday * factor);
            for (var i = 0; i < checkins + photos; i++)
                yield return Row(rng, day, photo: i >= checkins);
        }
        for (var i = 0; i < FutureRows; i++)
        {
            Stats.Future++;
            var row = Row(rng, settings.To, photo: false);
            yield return row with { CheckedAtLocal = row.CheckedAtLocal.AddDays(rng.Between(30, 3650)) };
        }
    }

    private CheckinRow Row(Random rng, DateOnly day, bool photo)
    {
        var unit = _picker.Pick(rng, Stats);
        Stats.Rows++;
        return new CheckinRow(unit.Code, photo ? DepartmentCodes.PhotoUpload : DepartmentCodes.CheckIn, day.ToDateTime(TimeOnly.MinValue) + LocalTime.CheckIn(rng, photo));
    }
}
