namespace MetricsPipeline.Samples;

/// <summary>A row of oa.documents. IssuedAtUtc goes to a timestamptz column, so it is a UTC instant.</summary>
public sealed record DocumentRow(string? UnitCode, string DocKind, DateTime IssuedAtUtc, int? Pages, bool Deleted);

/// <summary>
/// Documents received by each unit from the OA system. Totals fall ~30% from 2024 to 2026, but formal
/// (红头文件) ones fall faster while informal (白头通知) ones rise a little — the relabelling hint (红头变白头) —
/// and formal documents grow longer (多文合一). From October 2025 the department starts using a new code,
/// 会议纪要, which the demo configuration does not map.
/// </summary>
public sealed class DocumentsGenerator(SampleSettings settings, IReadOnlyList<OrgUnit> units)
{
    private const double FormalPerWorkday = 105;
    private const double InformalPerWorkday = 45;
    private const double FormalRatio2026 = 0.52;     // −48%
    private const double InformalRatio2026 = 1.13;   // +13%; together −30%
    private const double FormalPagesRatio2026 = 1.25;
    private const double FormalPagesAt2024 = 5.0;
    private static readonly DateOnly GreenFrom = new(2025, 10, 1);
    private const double GreenShare = 0.015;
    private const double NullPagesShare = 0.01;
    private const double DeletedShare = 0.02;
    private const int FutureRows = 5;

    private readonly UnitPicker _picker = new(units, new LevelWeights(City: 0.02, County: 0.10, Township: 0.35, Village: 0.53));

    public GeneratorStats Stats { get; } = new("oa.documents");

    public IEnumerable<DocumentRow> Generate()
    {
        var rng = new Random(settings.SeedFor(1));
        for (var day = settings.From; day <= settings.To; day = day.AddDays(1))
        {
            var calendar = DailyVolume.CalendarFactor(day, DayProfile.Office);
            var formal = DailyVolume.Draw(rng, FormalPerWorkday * calendar * DailyVolume.Trend(day, FormalRatio2026));
            var informal = DailyVolume.Draw(rng, InformalPerWorkday * calendar * DailyVolume.Trend(day, InformalRatio2026));
            for (var i = 0; i < formal + informal; i++)
                yield return Row(rng, day, formal: i < formal);
        }
        // Clerks' typos in the date: ordinary rows of the last day, dated months or years ahead.
        for (var i = 0; i < FutureRows; i++)
        {
            Stats.Future++;
            var row = Row(rng, settings.To, formal: true);
            yield return row with { IssuedAtUtc = row.IssuedAtUtc.AddDays(rng.Between(30, 3650)) };
        }
    }

    private DocumentRow Row(Random rng, DateOnly day, bool formal)
    {
        var unit = _picker.Pick(rng, Stats);
        var kind = formal ? DepartmentCodes.FormalDocument : DepartmentCodes.InformalDocument;
        if (day >= GreenFrom && rng.Chance(GreenShare)) { kind = DepartmentCodes.UnmappedDocument; Stats.Unmapped++; }

        int? pages = kind switch
        {
            DepartmentCodes.FormalDocument => Math.Max(1, (int)Math.Round(FormalPages(day) * (1 + 0.45 * rng.NextGaussian()))),
            DepartmentCodes.InformalDocument => rng.Between(1, 3),
            _ => rng.Between(1, 6),
        };
        if (rng.Chance(NullPagesShare)) pages = null;

        var deleted = rng.Chance(DeletedShare);
        if (deleted) Stats.SoftDeleted++;
        Stats.Rows++;
        var local = day.ToDateTime(TimeOnly.MinValue) + LocalTime.Office(rng);
        return new DocumentRow(unit.Code, kind, LocalTime.ToUtc(local), pages, deleted);
    }

    private static double FormalPages(DateOnly day) => FormalPagesAt2024 * DailyVolume.Trend(day, FormalPagesRatio2026);
}
