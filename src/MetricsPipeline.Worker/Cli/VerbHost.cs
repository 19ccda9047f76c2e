using MetricsPipeline.Configuration;
using MetricsPipeline.Warehouse;
using MetricsPipeline.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

/// <summary>
/// Runs a verb inside a host: checks the configuration's shape (every key known, every value convertible),
/// refuses a warehouse whose schema is newer than the build (verbs that use the warehouse), and turns every failure into a message and an
/// exit code (<see cref="VerbFailure"/>).
/// </summary>
internal static class VerbHost
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;
    public const int WarehouseUnavailable = 3;

    /// <summary>Set from --verbose: failures print their stack trace as well.</summary>
    public static bool Verbose { get; set; }

    /// <param name="config">The --config file, if any.</param>
    /// <param name="validatePipeline">Compile the Pipeline section first (verbs that pull need it; migrate must work before sources exist).</param>
    /// <param name="verb">The verb's work.</param>
    /// <param name="usesWarehouse">False for verbs that never touch the warehouse (config check, sources check): no schema check, no connection.</param>
    /// <param name="cancellationToken">Cancelled by SIGINT/SIGTERM.</param>
    public static async Task<int> RunAsync(
        FileInfo? config, bool validatePipeline, Func<IServiceProvider, Task<int>> verb, bool usesWarehouse = true, CancellationToken cancellationToken = default)
    {
        // Piped into a file or CI log, Spectre would assume 80 columns and fold every table.
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 180;
        try
        {
            using var host = Build(config);
            // Verbs other than serve never start the host, so the tracer (when OTLP is configured) is created here.
            Observability.TracingExtensions.StartTracing(host.Services);
            if (validatePipeline)
                _ = host.Services.GetRequiredService<IOptions<PipelineOptions>>().Value; // throws with every bad key
            if (usesWarehouse)
                await host.Services.GetRequiredService<SchemaCompatibility>().EnsureNotNewerAsync(cancellationToken);
            return await verb(host.Services);
        }
        catch (Exception ex)
        {
            return VerbFailure.Report(ex, Verbose, cancellationToken);
        }
    }

    /// <summary>The verb's host, after its configuration passed the strict check (a bad key or value throws, naming it).</summary>
    public static IHost Build(FileInfo? config) => CheckedBuilder(config, logToStandardError: true).Build();

    /// <summary>A host builder whose configuration passed the strict check; serve adds its services to it.</summary>
    public static HostApplicationBuilder CheckedBuilder(FileInfo? config, bool logToStandardError)
    {
        var builder = WorkerHost.CreateBuilder(config, logToStandardError);
        ConfigurationSections.Schema.ThrowIfInvalid(builder.Configuration);
        return builder;
    }
}
