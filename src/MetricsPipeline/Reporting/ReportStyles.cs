namespace MetricsPipeline.Reporting;

/// <summary>The page's stylesheet (Page/report.css, embedded), inlined into every report.</summary>
internal static class ReportStyles
{
    public static readonly string Css = Read();

    private static string Read()
    {
        using var stream = typeof(ReportStyles).Assembly.GetManifestResourceStream("MetricsPipeline.Reporting.report.css")
            ?? throw new InvalidOperationException("The report stylesheet is not embedded in the build (MetricsPipeline.Reporting.report.css).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
