using System.CommandLine;
using System.CommandLine.Invocation;

namespace MetricsPipeline.Worker.Cli;

/// <summary>
/// The verbs. Exit codes: 0 success, 1 a run (a source, a window, the verb's work) failed, 2 invalid
/// configuration or usage, 3 the warehouse is unreachable or its schema does not fit this build.
/// </summary>
public static class CommandLine
{
    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "On failure, print the stack trace as well as the message",
        Recursive = true,
    };

    /// <summary>Parses and runs a command line; a parse error is a usage error (exit code 2) with one line per problem.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var result = Build().Parse(args);
        VerbHost.Verbose = result.GetValue(VerboseOption);
        if (result.Action is ParseErrorAction)
        {
            var help = string.Join(' ', CommandPath(result.CommandResult));
            foreach (var error in result.Errors)
                Console.Error.WriteLine($"{error.Message} See '{help} --help'.");
            return VerbHost.InvalidConfiguration;
        }
        // On SIGINT/SIGTERM the verb's token is cancelled and the verb is waited for: serve's host then stops
        // within Host:ShutdownTimeout (a window in progress rolls back), run-once stops after its current
        // window. System.CommandLine's default would give up after 2 seconds and exit 130/143 under it.
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = Timeout.InfiniteTimeSpan });
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult command)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = command; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c)
                names.Push(c.Command.Name);
        }
        return names;
    }

    public static readonly Option<FileInfo?> ConfigOption = new("--config")
    {
        Description = "A JSON configuration file (same shape as appsettings.json); overrides appsettings.json, overridden by environment variables",
        Recursive = true,
    };

    public static readonly Option<string?> SourceOption = new("--source")
    {
        Description = "Only this source (its Name in configuration)",
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("MetricsPipeline: pulls reporting-burden counts from department systems into the warehouse and computes indicators. Without a verb it runs the service.");
        root.Options.Add(ConfigOption);
        root.Options.Add(VerboseOption);
        root.SetAction((result, ct) => ServeCommand.RunAsync(result.GetValue(ConfigOption), ct));

        var serve = new Command("serve", "Run the service: every source on its cron, clustered over the warehouse (the default verb)");
        serve.SetAction((result, ct) => ServeCommand.RunAsync(result.GetValue(ConfigOption), ct));

        var migrate = new Command("migrate", "Create or upgrade the warehouse schema (safe to run concurrently; refuses edited migrations)");
        migrate.SetAction((result, ct) => MigrateCommand.RunAsync(result.GetValue(ConfigOption), ct));

        var runOnce = new Command("run-once", "Pull every source (or one) once, now, and print a summary; exit code 1 if any failed");
        runOnce.Options.Add(SourceOption);
        runOnce.SetAction((result, ct) => RunOnceCommand.RunAsync(result.GetValue(ConfigOption), result.GetValue(SourceOption), ct));

        var from = new Option<DateOnly>("--from") { Description = "First local day to re-pull (yyyy-MM-dd)", Required = true };
        var to = new Option<DateOnly>("--to") { Description = "Last local day to re-pull (yyyy-MM-dd); at most today", Required = true };
        var backfill = new Command("backfill", "Re-pull a range of days in month chunks, each its own transaction, with progress");
        backfill.Options.Add(from);
        backfill.Options.Add(to);
        backfill.Options.Add(SourceOption);
        backfill.SetAction((result, ct) => BackfillCommand.RunAsync(
            result.GetValue(ConfigOption), result.GetValue(from), result.GetValue(to), result.GetValue(SourceOption), ct));

        var status = new Command("status", "Show the last run per source and stream, coverage, quarantine counts and indicator freshness");
        status.SetAction((result, ct) => StatusCommand.RunAsync(result.GetValue(ConfigOption), ct));

        var period = new Option<string>("--period") { Description = "year or month", DefaultValueFactory = _ => "year" };
        period.AcceptOnlyFromAmong("year", "month");
        var unit = new Option<string?>("--unit") { Description = "Unit code (default: the root of the org tree)" };
        var measure = new Option<string>("--measure") { Description = "Measure to show (count, pages, minutes ...), or all", DefaultValueFactory = _ => "count" };
        var indicators = new Command("indicators", "Print the indicators for the top of the org tree (or --unit) as a table");
        indicators.Options.Add(period);
        indicators.Options.Add(unit);
        indicators.Options.Add(measure);
        indicators.SetAction((result, ct) => IndicatorsCommand.RunAsync(
            result.GetValue(ConfigOption), result.GetValue(period)!, result.GetValue(unit), result.GetValue(measure)!, ct));

        var sources = new Command("sources", "Onboarding tools for department sources");
        var check = new Command("check", "Connect to every source (or --source), check tables, columns and files, show the generated query, the codes and units found, and yesterday's counts; exit code 1 on any problem");
        check.Options.Add(SourceOption);
        check.SetAction((result, ct) => SourcesCheckCommand.RunAsync(result.GetValue(ConfigOption), result.GetValue(SourceOption), ct));
        sources.Subcommands.Add(check);

        var reportPeriod = new Option<string>("--period") { Description = "Period: 2025 (year), 2025-Q3 (quarter), 2025-03 (month) or 2025-W07 (ISO week)", Required = true };
        var reportOut = new Option<FileInfo>("--out") { Description = "HTML file to write (self-contained, readable offline)", Required = true };
        var reportUnit = new Option<string?>("--unit") { Description = "Unit code (default: the root of the org tree)" };
        var report = new Command("report", "Render the indicators of a period as a self-contained HTML page with charts (trend against base and target, ranking, signals)");
        report.Options.Add(reportPeriod);
        report.Options.Add(reportOut);
        report.Options.Add(reportUnit);
        report.SetAction((result, ct) => ReportCommand.RunAsync(
            result.GetValue(ConfigOption), result.GetValue(reportPeriod)!, result.GetValue(reportOut)!, result.GetValue(reportUnit), ct));

        var docsOut = new Option<DirectoryInfo>("--out") { Description = "Existing folder to write dictionary.md into", Required = true };
        var docs = new Command("docs", "Write the data dictionary of the connected warehouse (every object the analyst and dashboard roles can read: kind, grain, columns with types, units and comments, lineage) as Markdown, from its catalog");
        docs.Options.Add(docsOut);
        docs.SetAction((result, ct) => DocsCommand.RunAsync(result.GetValue(ConfigOption), result.GetValue(docsOut)!, ct));

        var configCommand = new Command("config", "Configuration tools");
        var configCheck = new Command("check", "Validate the configuration offline (no connection to the warehouse or any source): every key known, every value valid, every source and stream compiled; prints what it checked; exit code 0 or 2");
        configCheck.SetAction((result, ct) => ConfigCheckCommand.RunAsync(result.GetValue(ConfigOption), ct));
        configCommand.Subcommands.Add(configCheck);

        foreach (var command in new[] { serve, migrate, runOnce, backfill, status, indicators, sources, report, docs, configCommand })
            root.Subcommands.Add(command);
        return root;
    }
}
