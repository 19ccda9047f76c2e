using System.Reflection;

namespace MetricsPipeline.Pipeline.Telemetry;

/// <summary>
/// The version of this build and the commit it was built from, read from the assembly's informational version
/// ("1.0.0+0f3c…": the SDK appends the git commit when it builds in a git checkout). Reported as
/// metrics_pipeline_build_info and on the telemetry resource (service.version).
/// </summary>
public static class BuildInfo
{
    public static readonly string Version;

    /// <summary>The full commit hash, or null when the build did not happen in a git checkout.</summary>
    public static readonly string? Commit;

    static BuildInfo()
    {
        var informational = typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                            ?? typeof(BuildInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        Version = plus < 0 ? informational : informational[..plus];
        Commit = plus < 0 || plus == informational.Length - 1 ? null : informational[(plus + 1)..];
    }
}
