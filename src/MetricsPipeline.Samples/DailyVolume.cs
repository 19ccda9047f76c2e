namespace MetricsPipeline.Samples;

/// <summary>How strongly a stream follows the working calendar (multipliers of its workday rate).</summary>
public sealed record DayProfile(double Weekend, double Holiday)
{
    /// <summary>Office work: documents, meetings, forms. Weekends and holidays are nearly empty.</summary>
    public static readonly DayProfile Office = new(0.10, 0.05);

    /// <summary>Grid work: check-ins and photo uploads go on at weekends, thinner on holidays.</summary>
    public static readonly DayProfile Grid = new(0.60, 0.40);
}

/// <summary>The number of events of one kind on one day: rate × trend × calendar × season × noise.</summary>
public static class DailyVolume
{
    /// <summary>Trends are anchored here: the start of the base year 2024.</summary>
    public static readonly DateOnly Anchor = new(2024, 1, 1);

    /// <summary>
    /// Exponential trend such that the 2026 total is <paramref name="ratio2026To2024"/> times the 2024 total
    /// (0.7 = a 30% fall over two years).
    /// </summary>
    public static double Trend(DateOnly day, double ratio2026To2024)
    {
        var years = (day.DayNumber - Anchor.DayNumber) / 365.25;
        return Math.Pow(ratio2026To2024, years / 2.0);
    }

    public static double CalendarFactor(DateOnly day, DayProfile profile) => WorkCalendar.KindOf(day) switch
    {
        DayKind.Workday => 1.0,
        DayKind.Weekend => profile.Weekend,
        _ => profile.Holiday,
    } * WorkCalendar.Season(day);

    /// <summary>Poisson count around the expected value, with some day-to-day overdispersion (lognormal, σ≈0.12).</summary>
    public static int Draw(Random rng, double expected) =>
        rng.NextPoisson(expected * Math.Exp(0.12 * rng.NextGaussian() - 0.0072));
}
