using MetricsPipeline.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Hosting;

/// <summary>
/// Builds the generic host every verb runs in. Configuration, later sources winning:
/// appsettings.json beside the binary, then --config FILE, then environment variables (__ separator),
/// then systemd credentials ($CREDENTIALS_DIRECTORY/warehouse holds the warehouse connection string).
/// </summary>
public static class WorkerHost
{
    public static HostApplicationBuilder CreateBuilder(FileInfo? configFile, bool logToStandardError)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
        });

        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (configFile is not null)
        {
            if (!configFile.Exists)
                throw new InvalidConfigurationException([$"--config: file '{configFile.FullName}' does not exist"]);
            builder.Configuration.AddJsonFile(configFile.FullName, optional: false, reloadOnChange: false);
        }
        builder.Configuration.AddEnvironmentVariables();
        AddSystemdCredentials(builder.Configuration);

        // Relative paths in configuration (the org-units file) resolve against the configuration file's folder.
        var baseDirectory = configFile?.DirectoryName ?? AppContext.BaseDirectory;
        builder.Services.PostConfigure<PipelineOptions>(o =>
        {
            if (!string.IsNullOrWhiteSpace(o.OrgUnits))
                o.OrgUnits = Path.GetFullPath(o.OrgUnits, baseDirectory);
        });

        // Stopping waits for a running window to commit or roll back; systemd's TimeoutStopSec (120 s) must exceed this.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(90));
        builder.Services.Configure<HostOptions>(builder.Configuration.GetSection("Host"));

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        if (SystemdHelpers.IsSystemdService())
        {
            builder.Services.AddSystemd(); // sd_notify READY/STOPPING and journal-formatted console logs
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
            // Verbs print their results on stdout; logs go to stderr so the two never mix.
            if (logToStandardError)
                builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.Services.AddMetricsPipeline(builder.Configuration);
        return builder;
    }

    private static void AddSystemdCredentials(IConfigurationBuilder configuration)
    {
        var directory = Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        if (string.IsNullOrEmpty(directory))
            return;
        var warehouse = Path.Combine(directory, "warehouse");
        if (File.Exists(warehouse))
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Warehouse"] = File.ReadAllText(warehouse).Trim(),
            });
        }
    }
}
