using Microsoft.Extensions.Options;

namespace MetricsPipeline.Worker.Observability;

/// <summary>The metrics and health endpoint of the serve verb (section "Metrics"). Bound to 127.0.0.1 unless ListenAddress says otherwise.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve /metrics (Prometheus text format), /health/live and /health/ready. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The IP address Kestrel listens on. Default 127.0.0.1: the endpoint is unauthenticated, so a scraper on another
    /// machine reaches it through a reverse proxy or an explicit address chosen by the operator (0.0.0.0 for all).
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port on ListenAddress for /metrics and /health/*. Default 9464 (OpenTelemetry's Prometheus port).</summary>
    public int Port { get; set; } = 9464;

    /// <summary>How often the per-source freshness gauges are re-read from ops.source_freshness. Default 30 seconds.</summary>
    public TimeSpan FreshnessInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long /health/ready waits for the warehouse to answer SELECT 1 before it reports 503. Default 2 seconds.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Names each bad key of the Metrics section.</summary>
public sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        if (!System.Net.IPAddress.TryParse(options.ListenAddress, out _))
            errors.Add($"Metrics:ListenAddress: '{options.ListenAddress}' must be an IP address such as 127.0.0.1 (not a host name)");
        if (options.Port is < 1 or > 65535)
            errors.Add($"Metrics:Port: {options.Port} must be a TCP port between 1 and 65535");
        if (options.FreshnessInterval < TimeSpan.FromSeconds(1) || options.FreshnessInterval > TimeSpan.FromHours(1))
            errors.Add($"Metrics:FreshnessInterval: {options.FreshnessInterval} must be between 00:00:01 and 01:00:00");
        if (options.ReadyTimeout < TimeSpan.FromMilliseconds(100) || options.ReadyTimeout > TimeSpan.FromMinutes(1))
            errors.Add($"Metrics:ReadyTimeout: {options.ReadyTimeout} must be between 00:00:00.1 and 00:01:00");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
