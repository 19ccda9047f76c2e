using System.Text.Json;
using EvolveDb;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetricsPipeline.Worker.Cli;

/// <summary>
/// Turns what stopped a verb into what the operator reads: one line that says what to do (one per bad key
/// for configuration), on stderr, and the documented exit code. A stack trace only with --verbose.
/// </summary>
internal static class VerbFailure
{
    public static int Report(Exception ex, bool verbose, CancellationToken cancellationToken)
    {
        var (exitCode, lines) = Describe(ex, cancellationToken);
        foreach (var line in lines)
            Console.Error.WriteLine(line);
        if (verbose)
            Console.Error.WriteLine(ex.ToString());
        return exitCode;
    }

    internal static (int ExitCode, IReadOnlyList<string> Lines) Describe(Exception ex, CancellationToken cancellationToken)
    {
        if (ConfigurationProblems(ex) is { } problems)
            return (VerbHost.InvalidConfiguration, ["Configuration error, nothing was done:", .. problems.Select(p => "  - " + p)]);
        if (Find<SchemaMismatchException>(ex) is { } mismatch)
            return (VerbHost.WarehouseUnavailable, [mismatch.Message]);
        if (Find<EvolveValidationException>(ex) is { } edited)
            return (VerbHost.WarehouseUnavailable,
                [$"The warehouse's applied migrations do not match this build's: {OneLine(edited.Message)} An applied migration file was edited, renamed or removed; restore the released file (never edit an applied migration, add a new one) and run migrate again. Nothing was migrated."]);
        if (Find<IndicatorRefreshException>(ex) is { } refresh)
            return (VerbHost.Failed, [refresh.Message]); // the loads committed; only the marts are behind, and the message says what catches them up
        if (Unreachable(ex) is { } unreachable)
            return (VerbHost.WarehouseUnavailable,
                [$"Cannot reach the warehouse (ConnectionStrings:Warehouse): {OneLine(unreachable.Message)}. Check that the server runs and the connection string's host, port, database and account; nothing was done."]);
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            return (VerbHost.Failed, ["Stopped by a signal before the verb finished; what was not committed was rolled back."]);
        return (VerbHost.Failed,
            [$"Failed: {OneLine(ex.Message)} ({ex.GetType().Name}). Re-run with --verbose for the stack trace."]);
    }

    private static IReadOnlyList<string>? ConfigurationProblems(Exception ex) => ex switch
    {
        OptionsValidationException options => options.Failures.ToList(), // one entry per problem, as the validators returned them
        InvalidConfigurationException config => config.Errors,
        // A configuration file that is not JSON: "Failed to load configuration from file '…'" around the parser's
        // "'}' is invalid after a value … LineNumber: 3 | BytePositionInLine: 2."
        InvalidDataException { InnerException: JsonException or FormatException } file =>
            [$"{OneLine(file.Message)} {OneLine((Find<JsonException>(file) ?? file.InnerException!).Message)} Fix the JSON there."],
        _ when ex.InnerException is { } inner => ConfigurationProblems(inner),
        _ => null,
    };

    /// <summary>The warehouse down, a wrong host or port, a bad password or a missing database: not the verb's fault.</summary>
    private static NpgsqlException? Unreachable(Exception ex) => Find<NpgsqlException>(ex) is { } npgsql
        && (npgsql is not PostgresException postgres || postgres.SqlState.StartsWith("28", StringComparison.Ordinal) || postgres.SqlState == "3D000"
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)) // 57P01..03: the server is shutting down or starting up
        ? npgsql
        : null;

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T match) return match;
            if (ex is AggregateException { InnerExceptions.Count: 1 } aggregate && Find<T>(aggregate.InnerExceptions[0]) is { } inner) return inner;
        }
        return null;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
