namespace MetricsPipeline.Samples;

/// <summary>A row of grid.db forms; SubmittedAt carries its own +08:00 offset.</summary>
public sealed record FormRow(string? UnitCode, string FormCode, DateTimeOffset SubmittedAt, int Fields);

/// <summary>
/// Forms filled in through the grid app: F1 the monthly report (piling up at month end), F2 ad-hoc forms.
/// The number of forms falls ~40% while each form asks for more fields, so fields fall far less —
/// "count both" (Jiangxi: forms −65%, fields only −51%).
/// </summary>
public sealed class FormsGenerator(SampleSettings settings, IReadOnlyList<OrgUnit> units)
{
    private const double MonthlyPerWorkday = 20;
    private const double AdHocPerWorkday = 14;
    private const double CountRatio2026 = 0.60;
    private const double FieldsRatio2026 = 1.35;
    private const double MonthlyFieldsAt2024 = 28;
    private const double AdHocFieldsAt2024 = 12;
    private const int FutureRows = 5;

    private readonly UnitPicker _picker = new(units, new LevelWeights(City: 0, County: 0.05, Township: 0.40, Village: 0.55));

    public GeneratorStats Stats { get; } = new("forms");

    public IEnumerable<FormRow> Generate()
    {
        var rng = new Random(settings.SeedFor(4));
        for (var day = settings.From; day <= settings.To; day = day.AddDays(1))
        {
            var factor = DailyVolume.CalendarFactor(day, DayProfile.Office) * DailyVolume.Trend(day, CountRatio2026);
            var monthly = DailyVolume.Draw(rng, MonthlyPerWorkday * factor * MonthEnd(day));
            var adHoc = DailyVolume.Draw(rng, AdHocPerWorkday * factor);
            for (var i = 0; i < monthly + adHoc; i++)
                yield return Row(rng, day, monthly: i < monthly);
        }
        for (var i = 0; i < FutureRows; i++)
        {
            Stats.Future++;
            var row = Row(rng, settings.To, monthly: true);
            yield return row with { SubmittedAt = row.SubmittedAt.AddDays(rng.Between(30, 3650)) };
        }
    }

    private FormRow Row(Random rng, DateOnly day, bool monthly)
    {
        var unit = _picker.Pick(rng, Stats);
        var mean = (monthly ? MonthlyFieldsAt2024 : AdHocFieldsAt2024) * DailyVolume.Trend(day, FieldsRatio2026);
        var fields = Math.Max(1, (int)Math.Round(mean * (1 + 0.3 * rng.NextGaussian())));
        var local = day.ToDateTime(TimeOnly.MinValue) + LocalTime.Office(rng);
        Stats.Rows++;
        return new FormRow(unit.Code, monthly ? "F1" : "F2", new DateTimeOffset(local, LocalTime.BeijingOffset), fields);
    }

    /// <summary>Monthly reports are due at month end and straggle into the first days of the next month.</summary>
    private static double MonthEnd(DateOnly day) => day.Day >= 25 ? 2.0 : day.Day <= 3 ? 1.5 : 0.6;
}
