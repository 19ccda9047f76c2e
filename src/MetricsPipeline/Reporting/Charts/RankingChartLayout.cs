using System.Globalization;

namespace MetricsPipeline.Reporting.Charts;

/// <summary>Horizontal bars of burden hours per FTE, longest first, with room for the name and the value label.</summary>
public sealed class RankingChartLayout
{
    public const int MaxBars = 15;
    private const int BarHeight = 18, Gap = 4, LabelWidth = 150, BarsWidth = 420, ValueWidth = 110;

    public sealed record Bar(double Y, double Width, string Name, string Value);

    public int Width => LabelWidth + BarsWidth + ValueWidth;
    public int Height { get; }
    public static double BarsLeft => LabelWidth;
    public static int TextOffset => 13;
    public IReadOnlyList<Bar> Bars { get; }

    public RankingChartLayout(IReadOnlyList<RankingRow> ranking, string perFteUnit)
    {
        var rows = ranking.Where(r => r.HoursPerFte is not null).Take(MaxBars).ToList();
        var max = rows.Select(r => r.HoursPerFte!.Value).DefaultIfEmpty(0).Max();
        if (max <= 0)
            max = 1;
        Bars = rows.Select((r, i) => new Bar(Gap + i * (BarHeight + Gap), (double)(r.HoursPerFte!.Value / max) * BarsWidth, r.UnitName,
            r.HoursPerFte!.Value.ToString("0.##", CultureInfo.InvariantCulture) + " " + perFteUnit)).ToList();
        Height = Gap + rows.Count * (BarHeight + Gap);
    }

    public static int BarThickness => BarHeight;
}
