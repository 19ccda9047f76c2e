namespace MetricsPipeline.Configuration;

/// <summary>
/// How one source's windows are retried and protected (section <c>Pipeline:Sources:N:Resilience</c>).
/// Per window, outermost first: the source's <see cref="SourceOptions.QueryTimeout"/> bounds all attempts
/// together; transient errors are retried with exponential backoff and jitter; a circuit breaker per source
/// stops hammering a source that keeps failing; <see cref="AttemptTimeout"/> bounds each attempt.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>Longest one attempt of a window may take (open, count, aggregate, write, commit). Default 5 minutes; at most QueryTimeout.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries after a transient error (connection refused or reset, driver-reported transient, attempt timeout). 0 disables retrying. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base delay of the exponential backoff (with jitter): about 1×, 2×, 4× … this. Default 2 seconds.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens the breaker. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts within <see cref="BreakerSamplingDuration"/> before the breaker may open (a scheduled job makes few calls). Default 4.</summary>
    public int BreakerMinimumThroughput { get; set; } = 4;

    /// <summary>The window over which the failure ratio is measured. Default 30 minutes.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an open breaker fails windows at once before one probe attempt is let through. Default 5 minutes.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Adds one problem per bad key, named as in configuration.</summary>
    internal void Validate(string key, TimeSpan queryTimeout, List<string> errors)
    {
        if (AttemptTimeout < TimeSpan.FromSeconds(1) || AttemptTimeout > queryTimeout)
            errors.Add($"{key}:AttemptTimeout: {AttemptTimeout} must be at least 00:00:01 and at most the source's QueryTimeout ({queryTimeout})");
        if (MaxRetries is < 0 or > 20)
            errors.Add($"{key}:MaxRetries: {MaxRetries} must be between 0 and 20");
        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromHours(1))
            errors.Add($"{key}:RetryDelay: {RetryDelay} must be between 00:00:00 and 01:00:00");
        if (BreakerFailureRatio is <= 0 or > 1 || double.IsNaN(BreakerFailureRatio))
            errors.Add($"{key}:BreakerFailureRatio: {BreakerFailureRatio} must be a fraction in (0, 1], e.g. 0.5");
        if (BreakerMinimumThroughput is < 2 or > 1000)
            errors.Add($"{key}:BreakerMinimumThroughput: {BreakerMinimumThroughput} must be between 2 and 1000");
        if (BreakerSamplingDuration < TimeSpan.FromSeconds(1) || BreakerSamplingDuration > TimeSpan.FromDays(1))
            errors.Add($"{key}:BreakerSamplingDuration: {BreakerSamplingDuration} must be between 00:00:01 and 1.00:00:00");
        if (BreakerDuration < TimeSpan.FromSeconds(1) || BreakerDuration > TimeSpan.FromDays(1))
            errors.Add($"{key}:BreakerDuration: {BreakerDuration} must be between 00:00:01 and 1.00:00:00");
    }
}
