using System.Globalization;

namespace MetricsPipeline.Soak;

/// <summary>The command line, parsed by hand: a handful of flags.</summary>
internal sealed record SoakArguments
{
    public const string Usage = """
        usage: MetricsPipeline.Soak --pg CONNSTRING --worker PATH [options]
          --pg CONNSTRING     admin connection string of a throwaway PostgreSQL server (default: $SOAK_PG); the soak
                              creates the database soak_wh on it (dropped first if it exists)
          --worker PATH       the worker's metrics-pipeline.dll (Release build)
          --sources N         SQLite department files, one source each (default 200)
          --interval S        seconds between two fires of a source (default 10; must divide 60)
          --duration S        how long the worker serves (default 600)
          --warmup S          fires scheduled in the first S seconds are not judged, RSS is taken after them (default 60)
          --threads N         Scheduler:MaxConcurrentSources of the worker (default 8)
          --pool N            Maximum Pool Size of the worker's warehouse connection string (default 20)
          --same-second       every source fires at the same second (default: spread over the interval)
          --dir PATH          working folder for the files, config and worker log (default: a temp folder)
        """;

    public string AdminConnectionString { get; init; } = Environment.GetEnvironmentVariable("SOAK_PG") ?? "";
    public string Worker { get; init; } = "";
    public int Sources { get; init; } = 200;
    public int IntervalSeconds { get; init; } = 10;
    public int DurationSeconds { get; init; } = 600;
    public int WarmupSeconds { get; init; } = 60;
    public int Threads { get; init; } = 8;
    public int PoolSize { get; init; } = 20;
    public bool SameSecond { get; init; }
    public string? Directory { get; init; }

    public static SoakArguments Parse(string[] args)
    {
        var result = new SoakArguments();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Next(), CultureInfo.InvariantCulture);
            result = args[i] switch
            {
                "--pg" => result with { AdminConnectionString = Next() },
                "--worker" => result with { Worker = Next() },
                "--sources" => result with { Sources = Number() },
                "--interval" => result with { IntervalSeconds = Number() },
                "--duration" => result with { DurationSeconds = Number() },
                "--warmup" => result with { WarmupSeconds = Number() },
                "--threads" => result with { Threads = Number() },
                "--pool" => result with { PoolSize = Number() },
                "--same-second" => result with { SameSecond = true },
                "--dir" => result with { Directory = Next() },
                _ => throw new ArgumentException($"unknown argument {args[i]}\n{Usage}"),
            };
        }
        if (string.IsNullOrEmpty(result.AdminConnectionString) || !File.Exists(result.Worker))
            throw new ArgumentException($"--pg and an existing --worker are required\n{Usage}");
        if (result.IntervalSeconds is < 1 or > 60 || 60 % result.IntervalSeconds != 0)
            throw new ArgumentException("--interval must divide 60 (the cron is 'S/interval * * * * ?')");
        return result;
    }
}
