using MetricsPipeline.Configuration;
using MetricsPipeline.Warehouse;
using MetricsPipeline.Worker.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetricsPipeline.Worker.Cli;

/// <summary>
/// <c>config check</c>: everything start-up checks, offline. No connection is opened (not to the warehouse,
/// not to a source); it says what it checked, and exits 0 or 2 with every problem named by its key.
/// </summary>
internal static class ConfigCheckCommand
{
    public static Task<int> RunAsync(FileInfo? config, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: true, services =>
        {
            var configuration = (IConfigurationRoot)services.GetRequiredService<IConfiguration>();
            var files = configuration.Providers.OfType<FileConfigurationProvider>()
                .Select(p => p.Source.FileProvider?.GetFileInfo(p.Source.Path ?? "")).Where(f => f is { Exists: true }).Select(f => f!.PhysicalPath).ToList();
            Console.WriteLine($"Read: {(files.Count == 0 ? "no configuration file" : string.Join(", ", files))}, then environment variables and systemd credentials.");
            Console.WriteLine($"Keys: every key under {string.Join(", ", ConfigurationSections.Names)} is one this build knows, and every value converts.");

            var problems = new List<string>();
            var warehouse = configuration.GetConnectionString("Warehouse");
            if (string.IsNullOrWhiteSpace(warehouse))
                problems.Add("ConnectionStrings:Warehouse: the warehouse connection string is required (or the systemd credential 'warehouse')");
            else
            {
                try
                {
                    var builder = new NpgsqlConnectionStringBuilder(warehouse);
                    Console.WriteLine($"Warehouse: host {builder.Host}, port {builder.Port}, database {builder.Database ?? "(the login's default)"}, user {builder.Username ?? "(the OS user)"}; not connected (config check never connects).");
                }
                catch (ArgumentException ex)
                {
                    problems.Add($"ConnectionStrings:Warehouse: {ex.Message}");
                }
            }

            var options = services.GetRequiredService<IOptions<PipelineOptions>>().Value; // compiled by VerbHost: every source and stream is valid
            var sources = PipelinePlan.Compile(options, out _, services.GetRequiredService<TimeProvider>());
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            Console.WriteLine($"Pipeline: {sources.Count} source(s), {sources.Sum(s => s.Streams.Count)} stream(s), history from {options.History.From:yyyy-MM-dd}.");
            foreach (var source in sources)
            {
                var next = new Quartz.CronExpression(source.Schedule, source.TimeZone).GetNextValidTimeAfter(now);
                Console.WriteLine($"  {source.Name} ({source.Provider}): cron \"{source.Schedule}\" in {source.TimeZone.Id}, next {TimeZoneInfo.ConvertTime(next!.Value, source.TimeZone):yyyy-MM-dd HH:mm zzz}; " +
                                  $"streams {string.Join(", ", source.Streams.Select(s => s.Name))}");
            }
            try
            {
                Console.WriteLine($"Org units: {OrgUnitsFile.Read(options.OrgUnits).Count} unit(s) in {options.OrgUnits}.");
            }
            catch (InvalidDataException ex)
            {
                problems.Add($"Pipeline:OrgUnits: {ex.Message}");
            }

            var metrics = configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
            if (new MetricsOptionsValidator().Validate(null, metrics) is { Failed: true } invalid)
                problems.AddRange(invalid.Failures);
            else
                Console.WriteLine(metrics.Enabled ? $"Metrics: serve would listen on 127.0.0.1:{metrics.Port} (whether the port is free is checked when serve starts)." : "Metrics: off.");

            if (problems.Count > 0)
                throw new InvalidConfigurationException(problems);
            Console.WriteLine("The configuration is valid.");
            return Task.FromResult(VerbHost.Success);
        }, usesWarehouse: false, cancellationToken: cancellationToken);
}
