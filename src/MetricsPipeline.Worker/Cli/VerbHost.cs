using MetricsPipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MetricsPipeline.Worker.Hosting;
using Npgsql;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

/// <summary>Runs a verb inside a host and turns configuration and connection problems into clear messages and exit codes.</summary>
internal static class VerbHost
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;

    public static async Task<int> RunAsync(FileInfo? config, bool validatePipeline, Func<IServiceProvider, Task<int>> verb)
    {
        // Piped into a file or CI log, Spectre would assume 80 columns and fold every table.
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 180;
        try
        {
            var builder = WorkerHost.CreateBuilder(config, logToStandardError: true);
            using var host = builder.Build();
            // Verbs other than serve never start the host, so the tracer (when OTLP is configured) is created here.
            Observability.TracingExtensions.StartTracing(host.Services);
            if (validatePipeline)
                _ = host.Services.GetRequiredService<IOptions<PipelineOptions>>().Value; // throws with every bad key
            return await verb(host.Services);
        }
        catch (Exception ex) when (ConfigurationProblem(ex) is { } problems)
        {
            Console.Error.WriteLine("Configuration error, nothing was done:");
            foreach (var problem in problems)
                Console.Error.WriteLine("  - " + problem);
            return InvalidConfiguration;
        }
        catch (MetricsPipeline.Pipeline.IndicatorRefreshException ex)
        {
            // The loads committed; only the marts are behind. Say so, and what catches them up.
            Console.Error.WriteLine(ex.Message);
            return Failed;
        }
        catch (NpgsqlException ex) when (ex is not PostgresException || ((PostgresException)ex).SqlState.StartsWith("28", StringComparison.Ordinal) || ((PostgresException)ex).SqlState == "3D000")
        {
            Console.Error.WriteLine($"Cannot reach the warehouse (ConnectionStrings:Warehouse): {ex.Message}");
            return Failed;
        }
    }

    private static IReadOnlyList<string>? ConfigurationProblem(Exception ex) => ex switch
    {
        OptionsValidationException options => options.Failures.SelectMany(f => f.Split("; ")).ToList(),
        InvalidConfigurationException config => config.Errors,
        _ when ex.InnerException is { } inner => ConfigurationProblem(inner),
        _ => null,
    };

    public static void WriteTable(Table table) => AnsiConsole.Write(table);
}
