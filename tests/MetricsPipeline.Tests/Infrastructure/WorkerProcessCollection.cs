namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// Tests that start several real worker processes and time what they do (kills, stops, cluster check-ins)
/// run one after another: side by side on a small machine they would starve each other of CPU and turn
/// timing bounds into noise.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WorkerProcessCollection
{
    public const string Name = "worker processes";
}
