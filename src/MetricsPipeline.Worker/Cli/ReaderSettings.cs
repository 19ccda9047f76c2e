using MetricsPipeline.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Worker.Cli;

/// <summary>
/// What the verbs that show people something (report, indicators, status, run summaries) read from the Pipeline
/// section: the language and the report settings. Bound without compiling the sources (those verbs work on a
/// warehouse whose sources are down or not configured here), but checked all the same.
/// </summary>
internal static class ReaderSettings
{
    public static PipelineOptions Read(IServiceProvider services)
    {
        var options = services.GetRequiredService<IConfiguration>().GetSection(PipelineOptions.SectionName).Get<PipelineOptions>() ?? new PipelineOptions();
        var errors = new List<string>();
        PipelinePlan.ValidateReader(options, errors);
        if (errors.Count > 0)
            throw new InvalidConfigurationException(errors);
        return options;
    }

    public static DisplayLanguage Language(IServiceProvider services) => Read(services).Language;
}
