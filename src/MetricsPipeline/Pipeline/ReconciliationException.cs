namespace MetricsPipeline.Pipeline;

/// <summary>The rows counted into facts and quarantine do not add up to the rows the source holds.</summary>
public sealed class ReconciliationException(string message) : Exception(message);
