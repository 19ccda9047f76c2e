namespace MetricsPipeline.Samples;

public enum DayKind { Workday, Weekend, Holiday }

/// <summary>
/// Chinese public holidays and make-up working days (调休) for 2024–2026, close to the State Council
/// schedules; exactness does not matter for samples, the shape does (a hole at Spring Festival and
/// National Day, busy Saturdays when they are make-up days). Other years fall back to plain weekends.
/// </summary>
public static class WorkCalendar
{
    private static readonly HashSet<DateOnly> Holidays = Ranges(
        ("2024-01-01", "2024-01-01"), ("2024-02-10", "2024-02-17"), ("2024-04-04", "2024-04-06"),
        ("2024-05-01", "2024-05-05"), ("2024-06-10", "2024-06-10"), ("2024-09-15", "2024-09-17"),
        ("2024-10-01", "2024-10-07"),
        ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
        ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
        ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"));

    private static readonly HashSet<DateOnly> MakeUpWorkdays = Ranges(
        ("2024-02-04", "2024-02-04"), ("2024-02-18", "2024-02-18"), ("2024-04-07", "2024-04-07"),
        ("2024-04-28", "2024-04-28"), ("2024-05-11", "2024-05-11"), ("2024-09-14", "2024-09-14"),
        ("2024-09-29", "2024-09-29"), ("2024-10-12", "2024-10-12"),
        ("2025-01-26", "2025-01-26"), ("2025-02-08", "2025-02-08"), ("2025-04-27", "2025-04-27"),
        ("2025-09-28", "2025-09-28"), ("2025-10-11", "2025-10-11"),
        ("2026-01-04", "2026-01-04"), ("2026-02-14", "2026-02-14"), ("2026-02-28", "2026-02-28"),
        ("2026-05-09", "2026-05-09"), ("2026-09-20", "2026-09-20"), ("2026-10-10", "2026-10-10"));

    /// <summary>Busy and quiet months: year-end assessments in December, Spring Festival in Jan/Feb, summer lull.</summary>
    private static readonly double[] MonthFactor = [1.05, 0.80, 1.10, 1.05, 1.00, 1.05, 0.95, 0.85, 1.00, 0.90, 1.05, 1.20];

    public static DayKind KindOf(DateOnly day)
    {
        if (Holidays.Contains(day)) return DayKind.Holiday;
        if (MakeUpWorkdays.Contains(day)) return DayKind.Workday;
        return day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? DayKind.Weekend : DayKind.Workday;
    }

    public static double Season(DateOnly day) => MonthFactor[day.Month - 1];

    private static HashSet<DateOnly> Ranges(params (string First, string Last)[] ranges)
    {
        var days = new HashSet<DateOnly>();
        foreach (var (first, last) in ranges)
            for (var d = DateOnly.Parse(first); d <= DateOnly.Parse(last); d = d.AddDays(1))
                days.Add(d);
        return days;
    }
}
