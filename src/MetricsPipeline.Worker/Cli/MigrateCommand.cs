using MetricsPipeline.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Worker.Cli;

internal static class MigrateCommand
{
    public static Task<int> RunAsync(FileInfo? config, CancellationToken cancellationToken) =>
        // Only the warehouse connection is needed: migrate must work before sources are configured.
        // VerbHost refuses a schema newer than this build first; Evolve alone would call it up to date.
        VerbHost.RunAsync(config, validatePipeline: false, async services =>
        {
            var result = await services.GetRequiredService<WarehouseMigrator>().MigrateAsync(cancellationToken);
            Console.WriteLine(result.Applied == 0
                ? $"Warehouse schema is up to date at {SchemaCompatibility.BuildVersion}; nothing applied."
                : $"Applied {result.Applied} migration(s): {string.Join(", ", result.AppliedFiles)}");
            return VerbHost.Success;
        }, cancellationToken: cancellationToken);
}
