using MetricsPipeline.Configuration;

namespace MetricsPipeline.Sources;

/// <summary>A kind of source database. One implementation per wire protocol or file format.</summary>
public interface ISourceProvider
{
    /// <summary>The Provider value in configuration.</summary>
    string Name { get; }

    ISqlDialect Dialect { get; }

    /// <summary>Opens a read-only, single-snapshot session for one stream.</summary>
    Task<ISourceSession> OpenAsync(SourcePlan source, StreamPlan stream, CancellationToken cancellationToken);
}

/// <summary>A consistent read of one source: the count and the groups see the same data.</summary>
public interface ISourceSession : IAsyncDisposable
{
    /// <summary>
    /// The source's own clock, read in the session's snapshot. What the source holds was written against it, so a
    /// day after its today cannot be complete, and a row after its now is dated in the future.
    /// </summary>
    Task<DateTimeOffset> ReadClockAsync(CancellationToken cancellationToken);

    Task<long> CountRowsAsync(AggregationQuery query, CancellationToken cancellationToken);

    /// <summary>Streams the groups; memory does not grow with the source.</summary>
    IAsyncEnumerable<SourceGroup> ReadGroupsAsync(AggregationQuery query, CancellationToken cancellationToken);
}
