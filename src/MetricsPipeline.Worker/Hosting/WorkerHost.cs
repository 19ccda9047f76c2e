using MetricsPipeline.Configuration;
using MetricsPipeline.Worker.Observability;
using Microsoft.AspNetCore.Builder;
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
            EnvironmentName = EnvironmentName,
        });
        Configure(builder, configFile, logToStandardError);
        return builder;
    }

    /// <summary>
    /// The same host as <see cref="CreateBuilder"/> with an ASP.NET Core server in it, for serve with its metrics and
    /// health endpoint. Empty: no configuration source, logger or server beyond the ones added here.
    /// </summary>
    public static WebApplicationBuilder CreateWebBuilder(FileInfo? configFile)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = EnvironmentName,
        });
        Configure(builder, configFile, logToStandardError: false);
        return builder;
    }

    private static string EnvironmentName => Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;

    private static void Configure(IHostApplicationBuilder builder, FileInfo? configFile, bool logToStandardError)
    {
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

        // ASP.NET Core logs every request at Information: two lines per scrape would bury the pipeline's own events.
        // Registered before the configuration, so Logging:LogLevel:Microsoft.AspNetCore still overrides it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        var underSystemd = SystemdHelpers.IsSystemdService();
        if (underSystemd)
            builder.Services.AddSystemd(); // sd_notify READY=1 / STOPPING=1 on NOTIFY_SOCKET
        builder.Logging.AddWorkerLogging(builder.Configuration, underSystemd, logToStandardError);

        builder.Services.AddMetricsPipeline(builder.Configuration);
        builder.AddPipelineTracing();
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
