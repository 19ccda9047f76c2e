using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetricsPipeline.Worker.Observability;

/// <summary>Readiness: the warehouse answers SELECT 1 within Metrics:ReadyTimeout.</summary>
public sealed class WarehouseHealthCheck(NpgsqlDataSource warehouse, IOptions<MetricsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = options.Value.ReadyTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await using var connection = await warehouse.OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("the warehouse answers");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the warehouse did not answer within {limit}");
        }
        catch (NpgsqlException ex)
        {
            // Npgsql's messages name host and port, never the password.
            return HealthCheckResult.Unhealthy($"the warehouse is unreachable: {ex.Message}");
        }
    }
}
