using System.Text.RegularExpressions;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Configuration;

/// <summary>
/// Turns <see cref="PipelineOptions"/> into plans, collecting every problem with the configuration key
/// it concerns (Pipeline:Sources:0:Streams:1:Measures:pages ...), so start-up can say what to fix.
/// </summary>
public static partial class PipelinePlan
{
    public static readonly IReadOnlySet<string> KnownProviders = new HashSet<string>(StringComparer.Ordinal) { "postgres", "mysql", "sqlite", "files" };

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_.\-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*$")]
    private static partial Regex MeasureNamePattern();

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex YearPattern();

    /// <param name="options">The bound Pipeline section.</param>
    /// <param name="errors">One line per problem, named by its configuration key.</param>
    /// <param name="clock">The clock a schedule must fire after (the system clock by default).</param>
    public static IReadOnlyList<SourcePlan> Compile(PipelineOptions options, out List<string> errors, TimeProvider? clock = null)
    {
        errors = [];
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var taxonomy = CompileTaxonomy(options, errors);
        ValidateGlobals(options, taxonomy, errors);

        var plans = new List<SourcePlan>();
        var sourceNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var key = $"Pipeline:Sources:{i}";
            if (!sourceNames.Add(source.Name))
                errors.Add($"{key}:Name: duplicate source name '{source.Name}'");
            var plan = CompileSource(source, key, taxonomy, now, errors);
            if (plan is not null)
                plans.Add(plan);
        }
        return plans;
    }

    /// <summary>Compiles or throws one exception listing every problem.</summary>
    public static IReadOnlyList<SourcePlan> CompileOrThrow(PipelineOptions options)
    {
        var plans = Compile(options, out var errors);
        if (errors.Count > 0)
            throw new InvalidConfigurationException(errors);
        return plans;
    }

    public static Taxonomy CompileTaxonomy(PipelineOptions options, List<string> errors)
    {
        for (var i = 0; i < options.Categories.Count; i++)
        {
            var c = options.Categories[i];
            if (!NamePattern().IsMatch(c.Name ?? ""))
                errors.Add($"Pipeline:Categories:{i}:Name: '{c.Name}' is not a valid category name (lower-case letters, digits, _ . -)");
            if (c.Kind is not ("flow" or "stock"))
                errors.Add($"Pipeline:Categories:{i}:Kind: '{c.Kind}' must be flow or stock");
        }
        return new Taxonomy(options.Categories);
    }

    private static void ValidateGlobals(PipelineOptions options, Taxonomy taxonomy, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.OrgUnits))
            errors.Add("Pipeline:OrgUnits: the path of the org-units CSV is required");
        else if (!File.Exists(options.OrgUnits))
            errors.Add($"Pipeline:OrgUnits: file '{options.OrgUnits}' does not exist");
        if (options.History.ChunkMonths is < 1 or > 24)
            errors.Add("Pipeline:History:ChunkMonths: must be between 1 and 24");
        if (options.MaxParallelSources is < 1 or > 64)
            errors.Add("Pipeline:MaxParallelSources: must be between 1 and 64");
        ValidateReader(options, errors);
        if (!YearPattern().IsMatch(options.Indicators.BasePeriod ?? ""))
            errors.Add($"Pipeline:Indicators:BasePeriod: '{options.Indicators.BasePeriod}' must be a calendar year such as 2024");
        if (options.Indicators.CoverageThreshold is < 0 or > 1)
            errors.Add("Pipeline:Indicators:CoverageThreshold: must be between 0 and 1");
        if (options.Indicators.RefreshInterval < TimeSpan.FromSeconds(1) || options.Indicators.RefreshInterval > TimeSpan.FromDays(1))
            errors.Add($"Pipeline:Indicators:RefreshInterval: {options.Indicators.RefreshInterval} must be between 00:00:01 and 1.00:00:00 (how often the service refreshes the indicators of new loads)");
        if (options.Indicators.WorkingHoursPerFteYear is <= 0 or > 8784)
            errors.Add($"Pipeline:Indicators:WorkingHoursPerFteYear: {options.Indicators.WorkingHoursPerFteYear} must be between 0 and 8784 hours");
        for (var i = 0; i < options.Indicators.Tariffs.Count; i++)
        {
            var t = options.Indicators.Tariffs[i];
            var key = $"Pipeline:Indicators:Tariffs:{i}";
            if (!MatchesTaxonomy(t.Category ?? "", taxonomy))
                errors.Add($"{key}:Category: '{t.Category}' matches no category of the taxonomy");
            if (t.MinutesPerItem < 0)
                errors.Add($"{key}:MinutesPerItem: {t.MinutesPerItem} must not be negative");
            if (t.IndexWeight < 0)
                errors.Add($"{key}:IndexWeight: {t.IndexWeight} must not be negative");
        }
        if (options.Indicators.Tariffs.GroupBy(t => t.Category).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            errors.Add($"Pipeline:Indicators:Tariffs: category '{duplicate.Key}' has more than one tariff");
        for (var i = 0; i < options.Indicators.Targets.Count; i++)
        {
            var t = options.Indicators.Targets[i];
            var key = $"Pipeline:Indicators:Targets:{i}";
            var pattern = t.Category ?? "";
            var known = pattern.EndsWith(".*", StringComparison.Ordinal)
                ? taxonomy.All.Any(c => Taxonomy.FamilyOf(c.Name) == pattern[..^2])
                : taxonomy.Contains(pattern);
            if (!known)
                errors.Add($"{key}:Category: '{pattern}' matches no category of the taxonomy");
            if (t.Reduction is <= 0 or > 1)
                errors.Add($"{key}:Reduction: {t.Reduction} must be a fraction in (0, 1], e.g. 0.30");
            if (t.BasePeriod is not null && !YearPattern().IsMatch(t.BasePeriod))
                errors.Add($"{key}:BasePeriod: '{t.BasePeriod}' must be a calendar year");
        }
    }

    /// <summary>
    /// The settings of what people read (language, report). Checked by the verbs that only read the warehouse
    /// (report, indicators, status) as well, which do not compile the sources.
    /// </summary>
    public static void ValidateReader(PipelineOptions options, List<string> errors)
    {
        // The converter refuses anything else while binding; a null comes only from code that built the options.
        if (options.Language is null)
            errors.Add("Pipeline:Language: must be zh-CN (Chinese, the default) or en (English)");
        if (options.Report.TopSignals is < 1 or > 1000)
            errors.Add($"Pipeline:Report:TopSignals: {options.Report.TopSignals} must be between 1 and 1000 (signals listed in the report, highest score first)");
    }

    private static bool MatchesTaxonomy(string pattern, Taxonomy taxonomy) =>
        pattern.EndsWith(".*", StringComparison.Ordinal)
            ? taxonomy.All.Any(c => Taxonomy.FamilyOf(c.Name) == pattern[..^2])
            : taxonomy.Contains(pattern);

    private static SourcePlan? CompileSource(SourceOptions source, string key, Taxonomy taxonomy, DateTimeOffset now, List<string> errors)
    {
        var before = errors.Count;
        if (!NamePattern().IsMatch(source.Name ?? ""))
            errors.Add($"{key}:Name: '{source.Name}' is required and may hold lower-case letters, digits, _ . -");
        if (!KnownProviders.Contains(source.Provider ?? ""))
            errors.Add($"{key}:Provider: unknown provider '{source.Provider}' (expected one of: {string.Join(", ", KnownProviders)})");
        var isFiles = source.Provider == "files";
        if (string.IsNullOrWhiteSpace(source.ConnectionString) && !isFiles)
            errors.Add($"{key}:ConnectionString: is required");
        if (source.MaxGroupsPerWindow < 1)
            errors.Add($"{key}:MaxGroupsPerWindow: must be positive");
        var zone = ScheduleRules.FindIanaZone(source.TimeZone, out var zoneProblem);
        if (zoneProblem is not null)
            errors.Add($"{key}:TimeZone: {zoneProblem}");
        if (ScheduleRules.CronProblem(source.Schedule, zone ?? TimeZoneInfo.Utc, now) is { } cronProblem)
            errors.Add($"{key}:Schedule: {cronProblem}");
        if (source.LookbackDays is < 0 or > 366)
            errors.Add($"{key}:LookbackDays: must be between 0 and 366");
        if (source.QueryTimeout <= TimeSpan.Zero || source.QueryTimeout > TimeSpan.FromDays(1))
            errors.Add($"{key}:QueryTimeout: must be positive and at most 1.00:00:00 (hh:mm:ss)");
        (source.Resilience ?? new ResilienceOptions()).Validate($"{key}:Resilience", source.QueryTimeout, errors);
        if (source.ExpectedFreshness < TimeSpan.FromMinutes(1) || source.ExpectedFreshness > TimeSpan.FromDays(366))
            errors.Add($"{key}:ExpectedFreshness: {source.ExpectedFreshness} must be between 00:01:00 and 366.00:00:00");
        if (source.Streams.Count == 0)
            errors.Add($"{key}:Streams: a source needs at least one stream");

        var streams = new List<StreamPlan>();
        var streamNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var j = 0; j < source.Streams.Count; j++)
        {
            var streamKey = $"{key}:Streams:{j}";
            if (!streamNames.Add(source.Streams[j].Name ?? ""))
                errors.Add($"{streamKey}:Name: duplicate stream name '{source.Streams[j].Name}' in source '{source.Name}'");
            var stream = StreamCompiler.Compile(source.Name ?? "", isFiles, source.Streams[j], streamKey, taxonomy, errors);
            if (stream is not null)
                streams.Add(stream);
        }
        return errors.Count == before && zone is not null
            ? new SourcePlan(source.Name!, source.Provider!, source.ConnectionString ?? "", source.Schedule!, zone, source.LookbackDays, source.QueryTimeout, streams)
            {
                MaxGroupsPerWindow = source.MaxGroupsPerWindow,
                Resilience = source.Resilience ?? new ResilienceOptions(),
                ExpectedFreshness = source.ExpectedFreshness,
            }
            : null;
    }
}

/// <summary>Thrown when configuration is invalid; the message lists each bad key and what to fix.</summary>
public sealed class InvalidConfigurationException(IReadOnlyList<string> errors)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
