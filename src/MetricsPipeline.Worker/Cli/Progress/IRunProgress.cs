using MetricsPipeline.Pipeline;

namespace MetricsPipeline.Worker.Cli.Progress;

/// <summary>
/// Where run-once and backfill show their progress. Reports arrive on the pipeline's threads (sources run in
/// parallel), synchronously: Progress&lt;T&gt; would post them to the thread pool and reorder them.
/// </summary>
internal interface IRunProgress : IProgress<WindowProgress>, IProgress<RefreshProgress>;
