using Microsoft.Extensions.Options;

namespace MetricsPipeline.Configuration;

/// <summary>Runs the plan compiler at start-up (ValidateOnStart) so bad configuration stops the process with every bad key named.</summary>
public sealed class PipelineOptionsValidator(TimeProvider clock) : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        PipelinePlan.Compile(options, out var errors, clock);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
