using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Pipeline.Resilience;
using MetricsPipeline.Pipeline.Telemetry;
using MetricsPipeline.Sources;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetricsPipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>Registers the pipeline: validated options, the warehouse data source, the source providers and the runners.</summary>
    public static IServiceCollection AddMetricsPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PipelineOptions>()
            // Unknown keys and bad values are refused before binding (Configuration/Binding/StrictConfiguration),
            // for every section; this is the binder's own guard for what binds outside the worker's verbs.
            .Bind(configuration.GetSection(PipelineOptions.SectionName), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();

        services.AddSingleton(_ =>
        {
            var connectionString = configuration.GetConnectionString("Warehouse");
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidConfigurationException(["ConnectionStrings:Warehouse: the warehouse connection string is required (or the systemd credential 'warehouse')"]);
            NpgsqlDataSourceBuilder builder;
            try { builder = new NpgsqlDataSourceBuilder(connectionString); }
            catch (ArgumentException ex)
            {
                // "Keyword not supported: 'hots'": a typo in the connection string is a configuration error, not a crash.
                throw new InvalidConfigurationException([$"ConnectionStrings:Warehouse: {ex.Message}"]);
            }
            builder.ConnectionStringBuilder.ApplicationName ??= "metrics-pipeline";
            return builder.Build();
        });

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ISourceProvider, PostgresSourceProvider>();
        services.AddSingleton<ISourceProvider, SqliteSourceProvider>();
        services.AddSingleton<ISourceProvider, MySqlSourceProvider>();
        services.AddSingleton<SourceProviders>();
        services.AddSingleton<WarehouseMigrator>();
        services.AddSingleton<SchemaCompatibility>();
        services.AddSingleton<ReferenceSync>();
        services.AddSingleton<RunLedger>();
        services.AddSingleton<StatusQueries>();
        services.AddSingleton<Warehouse.Dictionary.DictionaryCatalog>();
        services.AddSingleton<Indicators.IndicatorQueries>();
        services.AddSingleton<Indicators.IndicatorRefresher>();
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<SourcePipelines>();
        services.AddSingleton<SourceHealthQueries>();
        services.AddSingleton<WindowLoader>();
        services.AddSingleton<FileLoader>();
        services.AddSingleton<FileStreamRunner>();
        services.AddSingleton<Sources.Inspection.SourceInspector>();
        services.AddSingleton<SourceRunner>();
        services.AddSingleton<PipelineRunner>();
        return services;
    }
}
