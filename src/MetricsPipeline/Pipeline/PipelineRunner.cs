using MetricsPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Pipeline;

/// <summary>Runs several sources with bounded parallelism; one slow or failing source never holds up the others.</summary>
public sealed class PipelineRunner(IOptions<PipelineOptions> options, SourceRunner sourceRunner)
{
    public IReadOnlyList<SourcePlan> Sources => PipelinePlan.CompileOrThrow(options.Value);

    public async Task<IReadOnlyList<SourceRunResult>> RunAsync(
        RunRequest request, string? sourceName, IProgress<WindowProgress>? progress, CancellationToken cancellationToken)
    {
        var sources = Sources;
        if (sourceName is not null)
        {
            sources = sources.Where(s => s.Name == sourceName).ToList();
            if (sources.Count == 0)
                throw new ArgumentException($"no source named '{sourceName}' is configured (known: {string.Join(", ", Sources.Select(s => s.Name))})");
        }
        var results = new SourceRunResult[sources.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, sources.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallelSources, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await sourceRunner.RunAsync(sources[i], request, progress, ct));
        return results;
    }
}
