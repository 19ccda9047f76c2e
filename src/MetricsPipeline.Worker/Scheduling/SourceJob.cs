using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline;
using Microsoft.Extensions.Options;
using Quartz;

namespace MetricsPipeline.Worker.Scheduling;

/// <summary>
/// One scheduled pull of one source. Quartz never runs two fires of the same job at once
/// (DisallowConcurrentExecution, enforced across the cluster by the job store), and the source's
/// advisory lock also keeps out an operator's run-once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SourceJob(PipelineRunner runner, IOptions<PipelineOptions> options) : IJob
{
    public const string Group = "sources";
    public const string SourceKey = "source";

    /// <summary>
    /// The stored job of a source: durable (it outlives a trigger change) and requesting recovery, so a firing
    /// whose node dies or stops mid-run is run again by another node.
    /// </summary>
    public static IJobDetail Define(string source) =>
        JobBuilder.Create<SourceJob>().WithIdentity(source, Group).UsingJobData(SourceKey, source)
            .StoreDurably().RequestRecovery().WithDescription($"Pull source {source}").Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var sourceName = context.MergedJobDataMap.GetString(SourceKey)
                         ?? throw new JobExecutionException($"job {context.JobDetail.Key} has no '{SourceKey}' in its data");
        if (options.Value.Sources.All(s => s.Name != sourceName))
            throw new JobExecutionException($"source '{sourceName}' is no longer configured");
        // The slot, not the moment it ran: a firing recovered from a dead or stopping node records the slot of
        // the firing it replaces, so the ledger shows one succeeded run per slot however often it was attempted.
        var request = RunRequest.Scheduled(FiringSlot.Of(context));
        IReadOnlyList<SourceRunResult> results;
        try
        {
            // The token is cancelled when the service stops: the window in progress rolls back, nothing is half-written.
            results = await runner.RunAsync(request, sourceName, progress: null, cancellationToken);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            // A driver may report the cancel as its own error. Quartz hands the firing back for recovery only
            // for an OperationCanceledException, so that is what a stop must look like.
            throw new OperationCanceledException($"run of source '{sourceName}' cancelled by the stopping service", ex, cancellationToken);
        }
        var failed = results.Where(r => !r.Succeeded && !r.IsBusy).ToList();
        if (failed.Count > 0)
            throw new JobExecutionException(string.Join("; ", failed.Select(r => $"{r.Source}: {r.Error}")));
    }
}
